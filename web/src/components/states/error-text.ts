// The explanation shown under an error's title. What the backend (or a proxy) said is shown as
// is; what only the client noticed is worded here through t(), with string literals so
// i18next-parser finds them.
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client.ts';

export function errorText(t: TFunction, error: Error): string {
  if (error instanceof ApiError) {
    switch (error.kind) {
      case 'backend':
        return error.message;
      case 'no-message':
        return t('The backend answered with HTTP status {{status}} and gave no reason.', {
          status: error.status,
        });
      case 'not-json':
        return t('The backend answered {{url}} with something that is not JSON.', { url: error.url });
    }
  }
  // A NetworkError carries the browser's own words for the failure.
  return error.message;
}
