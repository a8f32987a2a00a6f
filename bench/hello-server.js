// The baseline: the cheapest possible Node HTTP server, measured in the same run as Keyway.
import { createServer } from 'node:http';

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
