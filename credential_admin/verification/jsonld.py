"""JSON-LD processing with pinned contexts only: nothing is ever fetched from the network.

The contexts ship in ``credential_admin/contexts/``; any other URL is refused, so a credential naming an unknown
context fails to canonicalise instead of silently changing meaning. Canonicalisation is strict (like jsonld.js
"safe mode"): a property or type the contexts do not define would be dropped from the signed RDF, so a forger could
add it to a signed credential unnoticed; we refuse such documents instead, both when signing and when verifying.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PINNED: dict[str, str] = {
    VC_V2: "credentials-v2.json",
    OB_V3: "ob-context-3.0.3.json",
}


# Our own cache of resolved contexts: pyld's shared one could hold a copy another caller fetched from the network.
_RESOLVED: dict = {}


class ContextRefused(jsonld.JsonLdError):
    """A document asked for a context we do not ship."""


class UndefinedTerm(jsonld.JsonLdError):
    """A property or type is not defined by the document's contexts (it would be silently dropped)."""


@cache
def _context_text(url: str) -> str:
    return (CONTEXTS_DIR / PINNED[url]).read_text(encoding="utf-8")


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """pyld document loader serving only the pinned contexts (a fresh copy each time: pyld may mutate it)."""
    if url not in PINNED:
        raise ContextRefused(f"Context {url!r} is not pinned in this package", "jsonld.LoadDocumentError",
                             code="loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(_context_text(url))}


def _refuse_dropped(term: str | None) -> None:
    raise UndefinedTerm(f"Term {term!r} is not defined by the pinned contexts", "jsonld.SafeModeError")


def _check_types(node: Any) -> None:
    """Refuse relative ``@type`` values left by expansion (undefined type names)."""
    if isinstance(node, list):
        for item in node:
            _check_types(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@type" and not isinstance(value, dict):
                for type_iri in value if isinstance(value, list) else [value]:
                    if not jsonld._is_absolute_iri(type_iri):
                        raise UndefinedTerm(f"Type {type_iri!r} is not defined by the pinned contexts",
                                            "jsonld.SafeModeError")
            elif key != "@value":
                _check_types(value)


def canonicalize(document: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, the URDNA2015 algorithm) of `document`, as N-Quads.

    Raises `UndefinedTerm` for anything the contexts leave undefined, `ContextRefused` for unpinned contexts.
    """
    options = {"documentLoader": document_loader, "base": None,
               "contextResolver": ContextResolver(_RESOLVED, document_loader)}
    expanded = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped).expand(document, options)
    _check_types(expanded)
    return jsonld.normalize(expanded, {**options, "algorithm": "URDNA2015", "format": "application/n-quads"})
