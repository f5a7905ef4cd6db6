"""Reading an answer's body: whole, within the call's deadline, and no larger than any answer.

``READ_TIMEOUT`` bounds each wait for the next bytes, not the body: a peer that sends one
byte a second would hold the worker for as long as it likes, and one that sends without end
would fill its memory. So the body is read as it arrives (``read1``), the deadline checked
between reads, and the size counted against a cap far above the largest real answer. Past the
deadline a call overruns by one socket wait at most.

The cap counts decoded bytes, and holds for a compressed answer because urllib3 2.6 and later
(the floor in pyproject.toml) decompress at most the bytes asked for per read; before 2.6 one
read expanded all it had received, so a 2 KB gzip answer could take gigabytes before it was
counted.
"""

from __future__ import annotations

import time

import requests
from django.views.decorators.debug import sensitive_variables
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError

from stytch_discovery.exceptions import StytchDiscoveryResponseError

#: Bytes asked for per read: larger than any answer in practice, so one read per answer.
READ_CHUNK_BYTES = 4 * 1024 * 1024
#: The largest body accepted (decoded): 32 times the 1 MB answer listing 500 organizations.
MAX_ANSWER_BYTES = 32 * 1024 * 1024


@sensitive_variables("chunks", "chunk")  # the answer holds session tokens
def read_body(response: requests.Response, deadline: float) -> bytes:
    """The whole body; ``requests`` exceptions for a failed read, as ``iter_content`` raises."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise too_large(response)
    chunks: list[bytes] = []
    size = 0
    while True:
        # Past the deadline the body must be complete: one more read (a socket timeout at most)
        # tells. An answer that is all here, even late, is kept: a create Stytch carried out
        # must not be reported as failed.
        late = bool(chunks) and time.monotonic() >= deadline
        chunk = _read_some(response)
        if not chunk:
            return b"".join(chunks)
        if late:
            response.close()
            raise requests.ReadTimeout("the answer was still arriving at the deadline")
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise too_large(response)
        chunks.append(chunk)


def _read_some(response: requests.Response) -> bytes:
    # The mapping requests' iter_content applies to the same urllib3 errors.
    try:
        return response.raw.read1(READ_CHUNK_BYTES, decode_content=True) or b""
    except ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from error
    except DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from error
    except ReadTimeoutError as error:
        raise requests.ConnectionError(error) from error
    except Urllib3SSLError as error:
        raise requests.exceptions.SSLError(error) from error


def too_large(response: requests.Response) -> StytchDiscoveryResponseError:
    response.close()  # the rest is not read: the connection cannot be reused
    return StytchDiscoveryResponseError(
        f"Stytch answered {response.request.method} {response.request.path_url} with "
        f"{response.status_code} and a body larger than {MAX_ANSWER_BYTES} bytes.",
        status_code=response.status_code,
    )
