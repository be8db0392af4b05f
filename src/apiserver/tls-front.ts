// The listening socket in front of the HTTPS server. A TLS connection starts with a handshake
// record (first byte 0x16); anything else is a client speaking plain HTTP to the HTTPS port, and it
// gets the 400 Go's servers (kube-apiserver) send instead of a connection reset that explains
// nothing. https://datatracker.ietf.org/doc/html/rfc8446#section-5.1
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';

const TLS_HANDSHAKE = 0x16;
const PLAIN_HTTP_ANSWER =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n' +
  'Client sent an HTTP request to an HTTPS server.\n';

export function tlsFront(tls: TlsServer): Server {
  return createServer({ pauseOnConnect: true }, (socket: Socket) => {
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      if (first[0] === TLS_HANDSHAKE) {
        tls.emit('connection', socket);
      } else {
        socket.end(PLAIN_HTTP_ANSWER);
      }
    });
    socket.on('error', () => socket.destroy());
  });
}
