"""An aiosmtpd handler that answers like a picky real server, for mail_test.cc's error table.

Run: PYTHONPATH=tests/integration /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_refusing.Refusing
Senders starting with "blocked@" get 553 to MAIL FROM; recipients "unknown@" 550 and "busy@" 451 to
RCPT TO; a message containing REJECT-AFTER-DATA (in a header: bodies are base64) gets 554 at the end of DATA. Everything else is
accepted and dropped.
"""


class Refusing:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("blocked@"):
            return "553 5.7.1 sender address refused"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("unknown@"):
            return "550 5.1.1 no such user"
        if address.startswith("busy@"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if b"REJECT-AFTER-DATA" in envelope.content:
            return "554 5.6.0 message content refused"
        return "250 OK"
