"""The credential embedded in an uploaded PDF, taken out at bounded cost.

Only what the check needs is read: the document catalogue's flat list of embedded files, the
one named ``credential.json``, and its stream, inflated to at most
``MAX_CREDENTIAL_BYTES`` + 1 bytes (so a 21 KB file that inflates to 20 MB costs the first
64 KB). pypdf runs with tight limits on every decoder meanwhile. Anything unreadable is
:class:`~course_app.certificates.upload_limits.Refused` with a reason.
"""

import io
import zlib

from pypdf import PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from course_app.certificates.upload_limits import KIB, MAX_CREDENTIAL_BYTES, Refused

CREDENTIAL_FILENAME = "credential.json"
MAX_EMBEDDED_FILES = 8
#: pypdf's own limits while it reads an upload (its defaults allow 75 MB per stream).
PYPDF_LIMITS = {
    "maximum_declared_stream_length": 5 * KIB * KIB,
    "array_based_stream_maximum_output_length": 256 * KIB,
    "array_maximum_element_count": 10_000,
    "dictionary_maximum_element_count": 10_000,
    "jbig2_maximum_output_length": 256 * KIB,
    "lzw_maximum_output_length": 256 * KIB,
    "run_length_maximum_output_length": 256 * KIB,
    "zlib_maximum_output_length": 2 * KIB * KIB,  # object streams of a real PDF
    "brotli_maximum_output_length": 256 * KIB,
    "stream_decoding_work_maximum_length": 4 * KIB * KIB,
}


def is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def embedded_credential(data: bytes) -> bytes:
    """The bytes of the PDF's ``credential.json``; Refused if there is none or it is too big."""
    try:
        with apply_configuration(**PYPDF_LIMITS):
            stream = _credential_stream(PdfReader(io.BytesIO(data), strict=False))
            return _inflate(stream)
    except Refused:
        raise
    except Exception as error:  # a parser of hostile input: any failure means unreadable
        raise Refused("This PDF could not be read.") from error


def _credential_stream(reader: PdfReader) -> StreamObject:
    names = reader.root_object.get("/Names")
    names = names.get_object() if names is not None else DictionaryObject()
    embedded = names.get("/EmbeddedFiles")
    listed = embedded.get_object().get("/Names") if embedded is not None else None
    if listed is None:
        raise Refused("No credential in this PDF: upload one of our certificate PDFs.")
    listed = listed.get_object()
    if not isinstance(listed, ArrayObject) or len(listed) > 2 * MAX_EMBEDDED_FILES:
        raise Refused("This PDF's list of embedded files is not one we write.")
    for name, spec in zip(listed[0::2], listed[1::2], strict=False):
        if str(name) == CREDENTIAL_FILENAME:
            stream = spec.get_object()["/EF"].get_object()["/F"].get_object()
            if isinstance(stream, StreamObject):
                return stream
    raise Refused("No credential in this PDF: upload one of our certificate PDFs.")


def _inflate(stream: StreamObject) -> bytes:
    """The stream's bytes, inflated to one byte over the limit at most."""
    filters = stream.get("/Filter")
    raw = stream._data  # the encoded bytes as stored: nothing inflated yet
    if filters is None:
        data = raw
    elif filters in ("/FlateDecode", ["/FlateDecode"]) and "/DecodeParms" not in stream:
        data = zlib.decompressobj().decompress(raw, MAX_CREDENTIAL_BYTES + 1)
    else:
        raise Refused("The credential inside this PDF is encoded in a way we never use.")
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise Refused(
            f"The credential inside this PDF is larger than {MAX_CREDENTIAL_BYTES // KIB} KB "
            "once decompressed."
        )
    return data
