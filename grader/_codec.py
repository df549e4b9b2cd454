"""Plain-data encoding of values that cross the sandbox boundary.

Student code runs in one process (the *worker*) and the tests run in another
(the *judge*). Only data crosses between them, as JSON: numbers, strings,
lists, tuples, dicts, numpy arrays, Brian2 quantities and dataclass records.
Never pickle: unpickling runs arbitrary code, and the worker is hostile.

Because the judge rebuilds every value from plain JSON, a student cannot hand
the tests an object whose ``__eq__`` always answers ``True`` or whose
``__float__`` reads the expected value from the caller's frame: the tests only
ever see honest floats and arrays.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import numbers
import types
from typing import Any

__all__ = ["CodecError", "decode", "encode"]

#: Deepest nesting of lists/dicts accepted, so a recursive structure cannot
#: blow the stack of the judge.
MAX_DEPTH = 40
#: Largest array (in elements) and string (in characters) that may cross.
MAX_ARRAY_SIZE = 5_000_000
MAX_STR_LEN = 1_000_000

_ARRAY_KINDS = {"b", "i", "u", "f"}  # bool, int, unsigned, float; never object


class CodecError(TypeError):
    """Raised when a value cannot be sent across the sandbox boundary."""


def _type_name(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def encode(obj: Any, _depth: int = 0) -> Any:
    """Return a JSON-compatible representation of ``obj``.

    Parameters
    ----------
    obj : object
        ``None``, bool, int, float, str, list, tuple, dict, numpy scalar or
        array (bool/int/float), Brian2 ``Quantity`` or dataclass instance.

    Returns
    -------
    object
        Built only from dicts, lists, str, int, float, bool and None.

    Raises
    ------
    CodecError
        If ``obj`` (or something inside it) is of another type, nests deeper
        than ``MAX_DEPTH`` or is too large.

    Examples
    --------
    >>> encode((1, [2.5, "a"]))
    {'$tuple': [1, [2.5, 'a']]}
    """
    if _depth > MAX_DEPTH:
        raise CodecError(f"value nests deeper than {MAX_DEPTH} levels")
    if obj is None or isinstance(obj, bool):
        return obj
    np = _numpy_if_loaded()
    if np is not None and isinstance(obj, np.generic):
        # numpy scalars travel as the Python scalars they stand for.
        if obj.dtype.kind not in _ARRAY_KINDS:
            raise CodecError(f"numpy scalars of dtype {obj.dtype} cannot be checked by the grader")
        return encode(obj.item(), _depth)
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real) and not _is_array(obj):
        value = float(obj)
        if not isinstance(value, float):
            raise CodecError(f"float() of {_type_name(obj)} did not return a float")
        return value
    if isinstance(obj, str):
        if len(obj) > MAX_STR_LEN:
            raise CodecError(f"string longer than {MAX_STR_LEN} characters")
        return str(obj)
    if _is_quantity(obj):
        return {"$quantity": {"value": _encode_array(np.asarray(obj)),
                              "dim": [float(d) for d in obj.dim._dims]}}
    if _is_array(obj):
        return {"$ndarray": _encode_array(np.asarray(obj))}
    if isinstance(obj, list):
        return [encode(item, _depth + 1) for item in obj]
    if isinstance(obj, tuple):
        return {"$tuple": [encode(item, _depth + 1) for item in obj]}
    if isinstance(obj, dict):
        return {"$dict": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in obj.items()]}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        cls = type(obj)
        return {"$dataclass": {
            "module": cls.__module__, "name": cls.__qualname__,
            "fields": [[f.name, encode(getattr(obj, f.name), _depth + 1)]
                       for f in dataclasses.fields(obj)]}}
    raise CodecError(
        f"a value of type {_type_name(obj)} cannot be checked by the grader; "
        "return numbers, strings, lists, tuples, dicts or numpy arrays")


def _numpy_if_loaded():
    # Importing numpy costs ~100 ms; only values that are numpy objects need it,
    # and those can only exist if numpy is already imported.
    import sys
    return sys.modules.get("numpy")


def _is_array(obj: Any) -> bool:
    np = _numpy_if_loaded()
    return np is not None and isinstance(obj, np.ndarray)


def _is_quantity(obj: Any) -> bool:
    # Brian2 quantities are ndarray subclasses that carry physical dimensions;
    # sending them as bare arrays would silently drop the units.
    import sys
    units = sys.modules.get("brian2.units.fundamentalunits")
    return units is not None and isinstance(obj, units.Quantity)


def _encode_array(arr: Any) -> dict:
    if arr.dtype.kind not in _ARRAY_KINDS:
        raise CodecError(f"arrays of dtype {arr.dtype} cannot be checked by the grader; "
                         "use bool, int or float arrays")
    if arr.size > MAX_ARRAY_SIZE:
        raise CodecError(f"array with {arr.size} elements is larger than the limit {MAX_ARRAY_SIZE}")
    return {"dtype": arr.dtype.str, "shape": list(arr.shape), "data": arr.ravel().tolist()}


def decode(data: Any, _depth: int = 0) -> Any:
    """Rebuild a value produced by :func:`encode`.

    Dataclasses from ``nslib`` are rebuilt as themselves; any other dataclass
    comes back as a :class:`types.SimpleNamespace` with the same fields, so
    that no class named by the (untrusted) sender is ever imported.

    Raises
    ------
    CodecError
        If ``data`` is malformed.

    Examples
    --------
    >>> decode(encode((1, [2.5, "a"])))
    (1, [2.5, 'a'])
    """
    if _depth > MAX_DEPTH:
        raise CodecError(f"value nests deeper than {MAX_DEPTH} levels")
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(item, _depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise CodecError(f"malformed value: {str(data)[:80]}")
    (tag, body), = data.items()
    if tag == "$tuple" and isinstance(body, list):
        return tuple(decode(item, _depth + 1) for item in body)
    if tag == "$dict" and isinstance(body, list):
        out = {}
        for pair in body:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise CodecError("malformed dict entry")
            key = decode(pair[0], _depth + 1)
            try:
                out[key] = decode(pair[1], _depth + 1)
            except TypeError:
                raise CodecError(f"unhashable dict key of type {type(key).__name__}") from None
        return out
    if tag == "$ndarray" and isinstance(body, dict):
        return _decode_array(body)
    if tag == "$quantity" and isinstance(body, dict):
        from brian2.units.fundamentalunits import Quantity, get_or_create_dimension
        dims = body.get("dim")
        if not (isinstance(dims, list) and len(dims) == 7 and all(isinstance(d, (int, float)) for d in dims)):
            raise CodecError("malformed quantity dimensions")
        value = _decode_array(body.get("value"))
        q = Quantity(value, dim=get_or_create_dimension(dims))
        return q if q.ndim else q.reshape(())[()]
    if tag == "$dataclass" and isinstance(body, dict):
        return _decode_dataclass(body, _depth)
    raise CodecError(f"malformed value with tag {tag!r}")


def _decode_array(body: Any):
    import numpy as np
    if not isinstance(body, dict):
        raise CodecError("malformed array")
    try:
        dtype = np.dtype(str(body["dtype"]))
        shape = tuple(int(s) for s in body["shape"])
        flat = body["data"]
    except (KeyError, TypeError, ValueError):
        raise CodecError("malformed array") from None
    if dtype.kind not in _ARRAY_KINDS or not isinstance(flat, list):
        raise CodecError(f"arrays of dtype {dtype} are not accepted")
    if any(s < 0 for s in shape) or math.prod(shape) != len(flat) or len(flat) > MAX_ARRAY_SIZE:
        raise CodecError("array shape does not match its data")
    if not all(isinstance(x, (bool, int, float)) for x in flat):
        raise CodecError("array data must be numbers")
    return np.array(flat, dtype=dtype).reshape(shape)


def _decode_dataclass(body: dict, depth: int) -> Any:
    module, name, fields = body.get("module"), body.get("name"), body.get("fields")
    if not (isinstance(module, str) and isinstance(name, str) and isinstance(fields, list)):
        raise CodecError("malformed dataclass")
    values = {}
    for pair in fields:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                and pair[0].isidentifier() and not pair[0].startswith("__")):
            raise CodecError("malformed dataclass field")
        values[pair[0]] = decode(pair[1], depth + 1)
    # Only our own library's result records are rebuilt as real classes: the
    # sender is untrusted, so it must not choose which module gets imported.
    if module == "nslib" or module.startswith("nslib."):
        try:
            cls = importlib.import_module(module)
            for part in name.split("."):
                cls = getattr(cls, part)
            if dataclasses.is_dataclass(cls) and isinstance(cls, type):
                return cls(**values)
        except Exception:  # noqa: BLE001 - fall back to a namespace with the same fields
            pass
    return types.SimpleNamespace(**values)
