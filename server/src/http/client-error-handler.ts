// Answers requests Node's HTTP parser rejects before any route sees them (a URL plus headers
// over the size limit → 431, malformed HTTP → 400, headers too slow → 408) so that the client
// reliably reads the answer.
//
// Fastify's default handler writes the answer without `Connection: close` and then destroys
// the socket at once. A keep-alive client therefore sends its next request on a connection
// that is already gone ("other side closed"), and when the rejected request's bytes are still
// unread the kernel resets the connection, which can discard the answer too. Here the answer
// says `Connection: close`, the socket is half-closed after it (a lingering close, RFC 9112
// §9.6) and is only destroyed once the client hangs up or a short grace period ends.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

const LINGER_MS = 2_000;

/** Sockets already answered: the parser reports its error again for every later chunk. */
const answered = new WeakSet<Socket>();

interface ClientErrorAnswer {
  status: number;
  reason: string;
  error: string;
}

function answerFor(err: NodeJS.ErrnoException): ClientErrorAnswer {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        error: 'the request line and headers are larger than the server accepts (16 KiB)',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', error: 'the request was not received in time' };
    default:
      return { status: 400, reason: 'Bad Request', error: 'the request is not valid HTTP' };
  }
}

export function lingeringClientErrorHandler(
  this: FastifyInstance,
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const answer = answerFor(err);
  this.log.debug({ code: err.code, status: answer.status }, 'rejected by the HTTP parser');

  const body = JSON.stringify({ error: answer.error });
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  // Reading continues (the parser discards what arrives) until the client closes its side.
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
}
