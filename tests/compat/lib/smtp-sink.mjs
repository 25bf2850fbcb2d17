// A real SMTP server for the tests that read mail: tests/support/smtp_sink.py (Debian's
// python3-aiosmtpd) on a free port, every message a file; stopped with SIGTERM. Codes and
// links are read from the mail, as a person would.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'support', 'smtp_sink.py');

export async function startSmtpSink({ timeoutMs = 10000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-compat-mail-'));
  const proc = spawn('/usr/bin/python3', [script, join(dir, 'mail')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SMTP sink did not start: ${out}`)), timeoutMs);
    const onData = (d) => {
      out += d.toString();
      const m = /PORT (\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => { out += d.toString(); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`SMTP sink exited ${code}: ${out}`)); });
  });
  const exited = new Promise((r) => proc.on('exit', r));

  const messages = () => {
    let names = [];
    try {
      names = readdirSync(join(dir, 'mail')).filter((n) => n.endsWith('.eml'));
    } catch {
      return [];
    }
    return names.sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
      .map((n) => readFileSync(join(dir, 'mail', n), 'utf8'));
  };
  const to = (mail) => /^X-Envelope-To: (.*)\r\n/.exec(mail)?.[1] ?? '';

  return {
    port,
    serverArgs: ['--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--smtp-tls', 'none'],
    // The `skip`-th mail (0: the first) to `address`, waiting up to `timeoutMs`.
    async waitForMail(address, skip = 0, waitMs = 10000) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const mine = messages().filter((m) => to(m) === address);
        if (mine.length > skip) return mine[skip];
        if (Date.now() > deadline) throw new Error(`no mail ${skip} to ${address}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    count(address) { return messages().filter((m) => to(m) === address).length; },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const codeIn = (mail) => /code is: (\d{6})/.exec(mail)?.[1] ?? '';
export const linkIn = (mail) => /(https?:\/\/[^\s"<>]+[?&]t=[A-Za-z0-9_-]+)/.exec(mail)?.[1] ?? '';
