import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface DovecotPeer {
  host: string;
  /** Implicit TLS with a certificate signed by `ca`. */
  tlsPort: number;
  /** Plain IMAP that offers STARTTLS. */
  plainPort: number;
  /** PEM of the CA that signed the server certificate. */
  ca: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export const DOVECOT_BINARY = process.env['DOVECOT_PATH'] ?? '/usr/sbin/dovecot';

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT_BINARY);
}

/** A CA and a server certificate for `localhost`, so the adapter can verify TLS against a private CA. */
function makeCertificates(dir: string): { ca: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Keyway test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  return { ca: execFileSync('cat', [join(dir, 'ca.pem')], { encoding: 'utf8' }) };
}

/** Starts a real Dovecot on loopback with one user, in a directory of its own; stop() removes it. */
export async function startDovecot(): Promise<DovecotPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'keyway-dovecot-'));
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
  const { ca } = makeCertificates(dir);
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const user = 'alice@example.test';
  const password = 'correct horse battery staple';
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${dir}/server.pem
ssl_key = <${dir}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests check the refusal, not the brute-force delay.
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
first_valid_uid = 100
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${plainPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), config);
  // Dovecot's auth worker and mail processes run as the dovecot user: let them into the directory.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'users'), 0o644);
  execFileSync('chown', ['-R', 'dovecot:dovecot', join(dir, 'home')]);
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForPort(tlsPort, () => (child.exitCode !== null ? `dovecot exited: ${stderr}` : undefined));
  return {
    host: '127.0.0.1',
    tlsPort,
    plainPort,
    ca,
    user,
    password,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`dovecot did not listen on ${port}`);
}
