"""A real SMTP server for the tests (Debian's python3-aiosmtpd), on loopback.

Stores each accepted message as <maildir>/<n>.eml and answers as <maildir>/mode says, read at
every message, so a test can make the server fail and recover while it runs:
  ok (or no file)  accept
  4xx ... / 5xx ... answer DATA with that reply (a temporary or permanent refusal)
  slow <seconds>   wait that long before accepting
Options: --tls-cert/--tls-key offer STARTTLS (or, with --implicit-tls, TLS from the first byte);
--user/--password require authentication. Prints "READY <port>" once it listens.
"""
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    def mode(self):
        try:
            with open(os.path.join(self.maildir, "mode"), encoding="utf-8") as f:
                return f.read().strip() or "ok"
        except FileNotFoundError:
            return "ok"

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode()
        if mode[:1] in ("4", "5"):
            return mode
        if mode.startswith("slow "):
            await asyncio.sleep(float(mode.split()[1]))
        self.count += 1
        name = os.path.join(self.maildir, f"{self.count:06d}.eml")
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name)
        return f"250 2.0.0 Ok: queued as T{self.count:06d}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticate(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == args.user and data.password.decode() == args.password
        return AuthResult(success=ok, handled=False)

    store = Store(args.maildir)

    def factory():
        return SMTP(store, hostname="smtp.test", enable_SMTPUTF8=True,
                    tls_context=None if args.implicit_tls else context,
                    require_starttls=bool(context) and not args.implicit_tls,
                    auth_required=bool(args.user), auth_require_tls=bool(context),
                    authenticator=authenticate if args.user else None)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=args.port, ssl=context if args.implicit_tls else None))
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
