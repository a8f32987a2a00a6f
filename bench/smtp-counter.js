// A local SMTP server for benches (smtp-server on loopback): takes every mail, reads it to the end, keeps nothing.
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('end', () => callback());
    stream.resume();
  },
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.server.address().port}`));
