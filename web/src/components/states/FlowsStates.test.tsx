// The error state: what the backend said is shown as is; what only the client noticed (an empty
// error body, an answer that is not JSON) is worded from the catalog. Errors come from the real
// API client over stand-in fetch answers.
import { cleanup, render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ja from '../../../../i18n/locales/ja/plugin__interflow-plugin.json';
import { fetchFlows } from '../../api/client.ts';
import { I18N_NAMESPACE } from '../../i18n/use-t.ts';
import { FlowsError } from './FlowsStates.tsx';

const original = globalThis.fetch;
afterEach(async () => {
  globalThis.fetch = original;
  cleanup(); // unmount before the language changes back, so no update lands outside act()
  await i18next.changeLanguage('en');
});

/** The error the client raises for this answer of the backend. */
async function errorFor(answer: () => Response): Promise<Error> {
  globalThis.fetch = vi.fn(async () => answer()) as typeof fetch;
  return fetchFlows('', new URLSearchParams('limit=5')).then(
    () => {
      throw new Error('the request succeeded');
    },
    (e: unknown) => e as Error,
  );
}

const message = () => document.querySelector('.interflow-error__message')?.textContent;

describe('FlowsError (stand-in fetch answers)', () => {
  it('shows the backend message as is', async () => {
    const error = await errorFor(
      () =>
        new Response(JSON.stringify({ error: 'Loki is unreachable at http://loki:3100' }), { status: 503 }),
    );
    render(<FlowsError error={error} onRetry={() => undefined} />);
    expect(message()).toBe('Loki is unreachable at http://loki:3100');
    expect(screen.getByText('The flow store is unavailable')).toBeInTheDocument();
  });

  it('words an error status without a body from the catalog', async () => {
    const error = await errorFor(() => new Response('', { status: 502, statusText: 'Bad Gateway' }));
    render(<FlowsError error={error} onRetry={() => undefined} />);
    expect(message()).toBe('The backend answered with HTTP status 502 and gave no reason.');
    expect(screen.getByText('Flows could not be loaded')).toBeInTheDocument();
  });

  it('words an answer that is not JSON from the catalog, naming the URL', async () => {
    const error = await errorFor(() => new Response('<html>Log in</html>', { status: 200 }));
    render(<FlowsError error={error} onRetry={() => undefined} />);
    expect(message()).toBe('The backend answered /api/flows?limit=5 with something that is not JSON.');
  });

  it('follows the language: the client-made texts are translated, the backend text is not', async () => {
    i18next.addResourceBundle('ja', I18N_NAMESPACE, ja);
    await i18next.changeLanguage('ja');
    const noBody = await errorFor(() => new Response('', { status: 502 }));
    const { unmount } = render(<FlowsError error={noBody} onRetry={() => undefined} />);
    expect(message()).toBe(
      ja['The backend answered with HTTP status {{status}} and gave no reason.'].replace('{{status}}', '502'),
    );
    expect(message()).not.toMatch(/[a-z]{3}/); // no English words left
    unmount();

    const notJson = await errorFor(() => new Response('oops', { status: 200 }));
    const second = render(<FlowsError error={notJson} onRetry={() => undefined} />);
    expect(message()).toBe(
      ja['The backend answered {{url}} with something that is not JSON.'].replace(
        '{{url}}',
        '/api/flows?limit=5',
      ),
    );
    second.unmount();

    const backend = await errorFor(
      () =>
        new Response(JSON.stringify({ error: 'unknown filter id "x"', param: 'filters' }), { status: 400 }),
    );
    render(<FlowsError error={backend} onRetry={() => undefined} />);
    expect(message()).toBe('unknown filter id "x"');
  });

  it('shows the browser words when no answer came', async () => {
    const error = await errorFor(() => {
      throw new TypeError('Failed to fetch');
    });
    render(<FlowsError error={error} onRetry={() => undefined} />);
    expect(message()).toBe('Failed to fetch');
    expect(screen.getByText('The Interflow backend could not be reached')).toBeInTheDocument();
  });
});
