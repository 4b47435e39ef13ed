"""The alert inbox: alerts handed over by a SIEM or EDR, analysed with the same engine as a run.

- ``alert.py``: an alert and how a body (JSON of any shape, or text) is read;
- ``service.py``: the Inbox: submit (any thread), duplicates, the lookup loop,
  exports, auto-action rules, notifications;
- ``queues.py``: each source's allowance per minute and queue, taken in turn;
- ``webhook.py``: ``POST /alert`` on loopback with a bearer token;
- ``folder.py``: the watched folder (done/, failed/ with a reason);
- ``eml.py``: text and IOCs of an e-mail file;
- ``token.py``: the webhook token, in the OS keyring.

Qt-free: ``iocdesk serve`` and the window's inbox panel are its two faces.
"""
