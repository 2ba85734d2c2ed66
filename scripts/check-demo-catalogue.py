#!/usr/bin/env python3
"""Checks demo/catalogue.json against the procedure-pack rules in docs/PROCEDURE-PACK.md, plus the rules for demo
content (demo flags, DEMO- codes, template files under demo/templates/, service-level mix). Also checks
demo/pages.json when it exists.

Usage: scripts/check-demo-catalogue.py [CATALOGUE] [--pages PAGES]
Exit status 0 when everything passes, 1 otherwise. Standard library only.
"""

import argparse
import collections
import json
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CATALOGUE = os.path.join(ROOT, "demo", "catalogue.json")
DEFAULT_PAGES = os.path.join(ROOT, "demo", "pages.json")
TEMPLATE_DIR = os.path.join(ROOT, "demo", "templates")

# Units of the demo office (src/services/demo.rs). A workflow unit outside this list would be dropped at import.
OFFICE_UNITS = {"H40.12.1", "H40.12.2", "H40.12.3", "H40.12.4", "H40.12.5", "H40.12.6", "H40.12.9"}

SECTOR_CODE = re.compile(r"^[A-Y][0-9]{2}-[A-Z0-9]{1,12}$")
DOC_CODE = re.compile(r"^[A-Z0-9._-]{1,40}$")
PROC_CODE = re.compile(r"^[A-Za-z0-9.-]{1,40}$")
DEMO_PROC_CODE = re.compile(r"^DEMO-[A-Z0-9]+-[0-9]{2}$")
NATIONAL_LIKE = re.compile(r"^[0-9]+(\.[0-9]+)+$")
COMPONENT_KEY = re.compile(r"^[a-z0-9_]{1,40}$")
TEMPLATE_KEY = re.compile(r"^[a-z0-9-]{1,60}$")
FIELD_KEY = COMPONENT_KEY
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")

LEVELS = {"province", "district", "commune"}
SERVICE_LEVELS = {"full", "partial", "none"}
TIME_UNITS = {"working_days", "working_hours"}
ROLES = {"officer", "specialist", "head", "leader"}
FIELD_TYPES = {"text", "textarea", "number", "date", "choice", "yesno", "id_number", "phone", "email", "address",
               "money", "group"}
PREFILLS = {"full_name", "id_number", "phone", "email", "address", "date_of_birth"}
MEDIA_TYPES = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
}
MAX_TEMPLATE = 5 * 1024 * 1024
MAX_DEMO_TEMPLATE = 40 * 1024
LEGACY_FOR = {"full": 4, "partial": 3}

TOP_KEYS = {"format", "format_version", "source", "sectors", "doc_types", "fees", "procedures"}
SECTOR_KEYS = {"code", "name", "demo"}
DOC_KEYS = {"code", "name", "demo"}
FEE_KEYS = {"code", "name", "amount_vnd", "note", "legal_basis", "demo"}
PROC_REQUIRED = ["code", "demo", "name", "sector", "level", "service_level", "immediate_result", "steps", "method",
                 "channels", "components", "processing_time", "applicants", "implementing_agency", "deciding_agency",
                 "result", "conditions", "fees", "fee_note", "templates", "legal_basis", "announcement", "workflow",
                 "form"]
PROC_KEYS = set(PROC_REQUIRED) | {"legacy_level", "supplement_days", "retention_years"}
COMPONENT_KEYS = {"key", "name", "originals", "copies", "required", "doc_type", "template", "note"}
TEMPLATE_KEYS = {"key", "name", "file_name", "media_type", "content_base64", "file"}
WORKFLOW_KEYS = {"name", "role", "unit", "hours"}
FIELD_KEYS = {"key", "label", "type", "required", "help", "show_if", "prefill", "options", "fields", "min", "max"}


class Checker:
    def __init__(self):
        self.errors = []
        self.warnings = []

    def err(self, path, msg):
        self.errors.append(f"{path}: {msg}")

    def warn(self, path, msg):
        self.warnings.append(f"{path}: {msg}")

    # -- primitives ---------------------------------------------------------------------------------------------
    def is_int(self, v):
        return isinstance(v, int) and not isinstance(v, bool)

    def text(self, obj, key, path, max_len=None, allow_empty=False):
        v = obj.get(key)
        if not isinstance(v, str):
            self.err(f"{path}.{key}", "must be a string")
            return None
        if not allow_empty and not v.strip():
            self.err(f"{path}.{key}", "must not be empty")
        if max_len is not None and len(v) > max_len:
            self.err(f"{path}.{key}", f"must be at most {max_len} characters")
        return v

    def boolean(self, obj, key, path):
        if not isinstance(obj.get(key), bool):
            self.err(f"{path}.{key}", "must be true or false")

    def keys(self, obj, allowed, path):
        for k in obj:
            if k not in allowed:
                self.err(f"{path}.{k}", "unknown field")

    def nfc_walk(self, v, path):
        if isinstance(v, str):
            if unicodedata.normalize("NFC", v) != v:
                self.err(path, "text is not Unicode NFC")
            if "\ufffd" in v:
                self.err(path, "text contains a replacement character")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                self.nfc_walk(x, f"{path}[{i}]")
        elif isinstance(v, dict):
            for k, x in v.items():
                self.nfc_walk(x, f"{path}.{k}")

    # -- pack ---------------------------------------------------------------------------------------------------
    def pack(self, data, raw_text):
        if not isinstance(data, dict):
            self.err("$", "top level must be an object")
            return
        self.keys(data, TOP_KEYS, "$")
        if data.get("format") != "motcua.procedure-pack":
            self.err("$.format", "must be \"motcua.procedure-pack\"")
        if data.get("format_version") != 1:
            self.err("$.format_version", "must be 1")
        self.text(data, "source", "$")
        expected = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if raw_text != expected:
            self.err("$", "file is not pretty-printed JSON with 2-space indent (json.dumps(..., ensure_ascii=False, indent=2))")
        self.nfc_walk(data, "$")

        for key in ("sectors", "doc_types", "fees", "procedures"):
            if not isinstance(data.get(key), list):
                self.err(f"$.{key}", "must be a list")
                data[key] = []

        self.sectors = self.coded(data["sectors"], "$.sectors", SECTOR_CODE, SECTOR_KEYS, "MX1X2-LV (e.g. H40-HT)")
        self.doc_types = self.coded(data["doc_types"], "$.doc_types", DOC_CODE, DOC_KEYS, "1-40 of A-Z 0-9 . - _")
        self.fees = self.coded(data["fees"], "$.fees", DOC_CODE, FEE_KEYS, "1-40 of A-Z 0-9 . - _")
        for i, f in enumerate(data["fees"]):
            if not isinstance(f, dict):
                continue
            p = f"$.fees[{i}]"
            amount = f.get("amount_vnd", "missing")
            if amount is None:
                note = f.get("note")
                if not isinstance(note, str) or not note.strip():
                    self.err(f"{p}.note", "must say how the amount is computed when amount_vnd is null")
            elif not self.is_int(amount) or amount < 0:
                self.err(f"{p}.amount_vnd", "must be a whole number of đồng (>= 0) or null")
            self.text(f, "note", p, allow_empty=True)
            self.text(f, "legal_basis", p)

        self.procedure_codes = set()
        self.template_files = {}
        for i, proc in enumerate(data["procedures"]):
            self.procedure(proc, f"$.procedures[{i}]")

        used_sectors = {p.get("sector") for p in data["procedures"] if isinstance(p, dict)}
        used_docs = {c.get("doc_type") for p in data["procedures"] if isinstance(p, dict)
                     for c in p.get("components", []) if isinstance(c, dict)}
        used_fees = {f.get("fee") for p in data["procedures"] if isinstance(p, dict)
                     for f in p.get("fees", []) if isinstance(f, dict)}
        for code in self.doc_types:
            if code not in used_docs:
                self.warn("$.doc_types", f"{code} is not used by any component")
        for code in self.fees:
            if code not in used_fees:
                self.warn("$.fees", f"{code} is not used by any procedure")
        for code in self.sectors:
            if code not in used_sectors:
                self.warn("$.sectors", f"{code} has no procedure")

    def coded(self, items, path, pattern, allowed, grammar):
        codes = set()
        for i, item in enumerate(items):
            p = f"{path}[{i}]"
            if not isinstance(item, dict):
                self.err(p, "must be an object")
                continue
            self.keys(item, allowed, p)
            code = item.get("code")
            if not isinstance(code, str) or not pattern.match(code):
                self.err(f"{p}.code", f"must match {grammar}")
            elif code in codes:
                self.err(f"{p}.code", f"duplicate code {code}")
            else:
                codes.add(code)
            self.text(item, "name", p)
            if item.get("demo") is not True:
                self.err(f"{p}.demo", "demo content must be marked \"demo\": true")
        return codes

    # -- procedure ----------------------------------------------------------------------------------------------
    def procedure(self, proc, p):
        if not isinstance(proc, dict):
            self.err(p, "must be an object")
            return
        self.keys(proc, PROC_KEYS, p)
        for k in PROC_REQUIRED:
            if k not in proc:
                self.err(f"{p}.{k}", "is required")
        code = proc.get("code")
        if not isinstance(code, str) or not PROC_CODE.match(code):
            self.err(f"{p}.code", "must be 1-40 characters from A-Z a-z 0-9 . -")
        else:
            if code in self.procedure_codes:
                self.err(f"{p}.code", f"duplicate procedure code {code}")
            self.procedure_codes.add(code)
            if not DEMO_PROC_CODE.match(code):
                self.err(f"{p}.code", "demo procedures use codes DEMO-<SECTOR>-NN")
            if NATIONAL_LIKE.match(code):
                self.err(f"{p}.code", "must not look like a real national procedure code")
            p = f"{p}({code})"
        if proc.get("demo") is not True:
            self.err(f"{p}.demo", "demo procedures must have \"demo\": true")
        self.text(proc, "name", p, max_len=500)
        # Length limits of the importer (src/domain/catalogue.rs) that the format document leaves implicit.
        sector = proc.get("sector")
        if sector not in self.sectors:
            self.err(f"{p}.sector", f"unknown sector {sector!r}")
        elif isinstance(code, str) and code.startswith("DEMO-"):
            short = sector.split("-", 1)[1]
            if code.split("-")[1] != short:
                self.err(f"{p}.code", f"code should be DEMO-{short}-NN for sector {sector}")
        level = proc.get("level")
        if level not in LEVELS:
            self.err(f"{p}.level", "must be province, district or commune")
        sl = proc.get("service_level")
        if sl not in SERVICE_LEVELS:
            self.err(f"{p}.service_level", "must be full, partial or none")
        if "legacy_level" in proc:
            ll = proc["legacy_level"]
            if not self.is_int(ll) or not 1 <= ll <= 4:
                self.err(f"{p}.legacy_level", "must be 1-4")
            elif sl in LEGACY_FOR and ll != LEGACY_FOR[sl]:
                self.err(f"{p}.legacy_level", f"demo rule: {LEGACY_FOR[sl]} for service_level {sl}")
            elif sl == "none" and ll != 2:
                self.err(f"{p}.legacy_level", "demo rule: 2 (or omitted) for service_level none")
            elif sl == "none" and not proc.get("templates"):
                self.err(f"{p}.legacy_level", "demo rule: level 2 needs downloadable templates")
        elif sl in LEGACY_FOR:
            self.err(f"{p}.legacy_level", f"demo rule: {LEGACY_FOR[sl]} for service_level {sl}")
        self.boolean(proc, "immediate_result", p)
        if "retention_years" in proc:
            r = proc["retention_years"]
            if r != "permanent" and (not self.is_int(r) or not 1 <= r <= 70):
                self.err(f"{p}.retention_years", 'must be 1-70 or "permanent"')

        steps = proc.get("steps")
        if not isinstance(steps, list) or not steps:
            self.err(f"{p}.steps", "at least one step")
        else:
            for i, s in enumerate(steps):
                if not isinstance(s, str) or not s.strip():
                    self.err(f"{p}.steps[{i}]", "must be non-empty text")
                elif len(s) > 4000:
                    self.err(f"{p}.steps[{i}]", "must be at most 4000 characters")
        self.text(proc, "method", p, max_len=4000)

        ch = proc.get("channels")
        if not isinstance(ch, dict):
            self.err(f"{p}.channels", "must be an object")
        else:
            self.keys(ch, {"counter", "postal", "online"}, f"{p}.channels")
            for k in ("counter", "postal", "online"):
                self.boolean(ch, k, f"{p}.channels")
            if sl in SERVICE_LEVELS and ch.get("online") != (sl != "none"):
                self.err(f"{p}.channels.online", "must be true exactly when service_level is not none")

        templates = self.templates(proc.get("templates"), f"{p}.templates")
        self.components(proc.get("components"), f"{p}.components", templates)

        limit = self.processing_time(proc.get("processing_time"), f"{p}.processing_time", proc.get("immediate_result"))
        for k, limit in (("applicants", 4000), ("implementing_agency", 500), ("deciding_agency", 500),
                         ("result", 4000), ("conditions", None)):
            self.text(proc, k, p, max_len=limit)
        fees = proc.get("fees")
        if not isinstance(fees, list):
            self.err(f"{p}.fees", "must be a list")
        else:
            seen = set()
            for i, f in enumerate(fees):
                fp = f"{p}.fees[{i}]"
                if not isinstance(f, dict):
                    self.err(fp, "must be an object")
                    continue
                self.keys(f, {"fee", "note"}, fp)
                if f.get("fee") not in self.fees:
                    self.err(f"{fp}.fee", f"unknown fee {f.get('fee')!r}")
                if f.get("fee") in seen:
                    self.err(f"{fp}.fee", "listed twice")
                seen.add(f.get("fee"))
                self.text(f, "note", fp, allow_empty=True)
        self.text(proc, "fee_note", p)
        lb = proc.get("legal_basis")
        if not isinstance(lb, list) or not lb:
            self.err(f"{p}.legal_basis", "at least one legal document")
        else:
            for i, s in enumerate(lb):
                if not isinstance(s, str) or not s.strip():
                    self.err(f"{p}.legal_basis[{i}]", "must be non-empty text")
                elif len(s) > 1000:
                    self.err(f"{p}.legal_basis[{i}]", "must be at most 1000 characters")
        ann = self.text(proc, "announcement", p)
        if ann and "minh hoạ" not in ann:
            self.err(f"{p}.announcement", "demo rule: must say it is demo data (dữ liệu minh hoạ)")

        self.workflow(proc.get("workflow"), f"{p}.workflow", limit, level)
        form = proc.get("form")
        if not isinstance(form, list):
            self.err(f"{p}.form", "must be a list")
        else:
            if sl in ("full", "partial") and not form:
                self.err(f"{p}.form", "an online procedure needs a non-empty form")
            if sl == "none" and form:
                self.err(f"{p}.form", "demo rule: \"form\": [] for service_level none")
            self.fields(form, f"{p}.form", nested=False)

    def templates(self, items, p):
        keys = set()
        if not isinstance(items, list):
            self.err(p, "must be a list")
            return keys
        for i, t in enumerate(items):
            tp = f"{p}[{i}]"
            if not isinstance(t, dict):
                self.err(tp, "must be an object")
                continue
            self.keys(t, TEMPLATE_KEYS, tp)
            key = t.get("key")
            if not isinstance(key, str) or not TEMPLATE_KEY.match(key):
                self.err(f"{tp}.key", "must be 1-60 characters from a-z 0-9 -")
            elif key in keys:
                self.err(f"{tp}.key", f"duplicate template key {key}")
            else:
                keys.add(key)
            self.text(t, "name", tp, max_len=300)
            self.text(t, "file_name", tp)
            if t.get("media_type") not in MEDIA_TYPES:
                self.err(f"{tp}.media_type", "must be PDF, DOCX, ODT, XLSX or plain text")
            has_file, has_content = "file" in t, "content_base64" in t
            if has_file == has_content:
                self.err(tp, "needs exactly one of \"file\" (demo source) or \"content_base64\"")
            if has_file:
                name = t.get("file")
                if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
                    self.err(f"{tp}.file", "must be a plain file name under demo/templates/")
                    continue
                if name != t.get("file_name"):
                    self.warn(f"{tp}.file", "differs from file_name")
                if t.get("media_type", "").endswith("wordprocessingml.document") and not name.endswith(".docx"):
                    self.err(f"{tp}.file", "a DOCX template must end in .docx")
                path = os.path.join(TEMPLATE_DIR, name)
                if not os.path.isfile(path):
                    self.err(f"{tp}.file", f"demo/templates/{name} does not exist")
                else:
                    size = os.path.getsize(path)
                    if size > MAX_TEMPLATE:
                        self.err(f"{tp}.file", "larger than 5 MiB")
                    elif size >= MAX_DEMO_TEMPLATE:
                        self.err(f"{tp}.file", f"demo rule: keep templates under 40 KB ({size} bytes)")
                    with open(path, "rb") as fh:
                        if name.endswith(".docx") and fh.read(2) != b"PK":
                            self.err(f"{tp}.file", "is not a DOCX (zip) file")
                if isinstance(key, str):
                    prev = self.template_files.setdefault(key, (name, t.get("name")))
                    if prev != (name, t.get("name")):
                        self.err(tp, f"template {key} is described differently in another procedure")
        return keys

    def components(self, items, p, templates):
        if not isinstance(items, list) or not items:
            self.err(p, "at least one component")
            return
        keys = set()
        used_templates = set()
        for i, c in enumerate(items):
            cp = f"{p}[{i}]"
            if not isinstance(c, dict):
                self.err(cp, "must be an object")
                continue
            self.keys(c, COMPONENT_KEYS, cp)
            key = c.get("key")
            if not isinstance(key, str) or not COMPONENT_KEY.match(key):
                self.err(f"{cp}.key", "must be 1-40 characters from a-z 0-9 _")
            elif key in keys:
                self.err(f"{cp}.key", f"duplicate component key {key}")
            else:
                keys.add(key)
                cp = f"{p}[{key}]"
            self.text(c, "name", cp, max_len=1000)
            o, k = c.get("originals"), c.get("copies")
            for name, v in (("originals", o), ("copies", k)):
                if not self.is_int(v) or not 0 <= v <= 20:
                    self.err(f"{cp}.{name}", "must be between 0 and 20")
            if o == 0 and k == 0:
                self.err(cp, "originals and copies may not both be 0")
            self.boolean(c, "required", cp)
            if "doc_type" in c and c["doc_type"] not in self.doc_types:
                self.err(f"{cp}.doc_type", f"unknown doc type {c['doc_type']!r}")
            if "template" in c:
                if c["template"] not in templates:
                    self.err(f"{cp}.template", f"template {c['template']!r} is not in this procedure's templates")
                used_templates.add(c["template"])
            if "note" in c and not isinstance(c["note"], str):
                self.err(f"{cp}.note", "must be a string")
        for t in templates - used_templates:
            self.warn(p, f"template {t} is not referenced by any component")

    def processing_time(self, pt, p, immediate):
        if not isinstance(pt, dict):
            self.err(p, "must be an object")
            return None
        self.keys(pt, {"amount", "unit", "note"}, p)
        amount, unit = pt.get("amount"), pt.get("unit")
        if not self.is_int(amount) or amount < 0:
            self.err(f"{p}.amount", "must be a whole number >= 0")
            return None
        if amount == 0 and immediate is not True:
            self.err(f"{p}.amount", "0 only with immediate_result")
        if amount > 365 * 8:
            self.err(f"{p}.amount", "must be at most 2920")
        if unit not in TIME_UNITS:
            self.err(f"{p}.unit", "must be working_days or working_hours")
            return None
        if "note" in pt and not isinstance(pt["note"], str):
            self.err(f"{p}.note", "must be a string")
        return amount * 8 if unit == "working_days" else amount

    def workflow(self, steps, p, limit, level):
        if not isinstance(steps, list) or not steps:
            self.err(p, "at least one step")
            return
        total = 0
        for i, s in enumerate(steps):
            sp = f"{p}[{i}]"
            if not isinstance(s, dict):
                self.err(sp, "must be an object")
                continue
            self.keys(s, WORKFLOW_KEYS, sp)
            self.text(s, "name", sp, max_len=300)
            if s.get("role") not in ROLES:
                self.err(f"{sp}.role", "must be officer, specialist, head or leader")
            if "unit" in s:
                unit = s["unit"]
                if not isinstance(unit, str) or not unit:
                    self.err(f"{sp}.unit", "must be a unit code")
                elif level == "commune":
                    self.err(f"{sp}.unit", "demo rule: communes have no units; give only the role")
                elif unit not in OFFICE_UNITS:
                    self.warn(f"{sp}.unit", f"{unit} is not a unit of the demo office; the import would drop it")
            hours = s.get("hours")
            if not self.is_int(hours) or hours < 0:
                self.err(f"{sp}.hours", "must be a whole number >= 0")
            else:
                total += hours
        if limit is not None and total > limit:
            self.err(p, f"step hours add up to {total} h, more than the processing time ({limit} h)")
        self.workflow_total = total

    def fields(self, fields, p, nested):
        keys = {}
        for i, f in enumerate(fields):
            fp = f"{p}[{i}]"
            if not isinstance(f, dict):
                self.err(fp, "must be an object")
                continue
            self.keys(f, FIELD_KEYS, fp)
            key = f.get("key")
            if not isinstance(key, str) or not FIELD_KEY.match(key):
                self.err(f"{fp}.key", "must be 1-40 characters from a-z 0-9 _")
            elif key in keys:
                self.err(f"{fp}.key", f"duplicate field key {key} among siblings")
            else:
                keys[key] = f
                fp = f"{p}[{key}]"
            self.text(f, "label", fp)
            t = f.get("type")
            if t not in FIELD_TYPES:
                self.err(f"{fp}.type", f"unknown type {t!r}")
            if "required" in f and not isinstance(f["required"], bool):
                self.err(f"{fp}.required", "must be true or false")
            if "help" in f and not isinstance(f["help"], str):
                self.err(f"{fp}.help", "must be a string")
            if "prefill" in f and f["prefill"] not in PREFILLS:
                self.err(f"{fp}.prefill", f"must be one of {sorted(PREFILLS)}")
            if t == "choice":
                opts = f.get("options")
                if not isinstance(opts, list) or len(opts) < 2 or not all(isinstance(o, str) and o.strip() for o in opts):
                    self.err(f"{fp}.options", "a choice needs at least two non-empty options")
                elif len(set(opts)) != len(opts):
                    self.err(f"{fp}.options", "duplicate options")
            elif "options" in f:
                self.err(f"{fp}.options", "only for type choice")
            if t == "group":
                if nested:
                    self.err(fp, "groups do not nest")
                sub = f.get("fields")
                if not isinstance(sub, list) or not sub:
                    self.err(f"{fp}.fields", "a group needs at least one field")
                else:
                    self.fields(sub, f"{fp}.fields", nested=True)
                mn, mx = f.get("min"), f.get("max")
                for name, v in (("min", mn), ("max", mx)):
                    if v is not None and (not self.is_int(v) or v < 0):
                        self.err(f"{fp}.{name}", "must be a whole number >= 0")
                if self.is_int(mn) and self.is_int(mx) and mn > mx:
                    self.err(fp, "min is greater than max")
            else:
                for k in ("fields", "min", "max"):
                    if k in f:
                        self.err(f"{fp}.{k}", "only for type group")
        # show_if refers to a sibling; for a choice sibling the value must be one of its options.
        for key, f in keys.items():
            cond = f.get("show_if")
            if cond is None:
                continue
            cp = f"{p}[{key}].show_if"
            if not isinstance(cond, dict) or set(cond) != {"field", "equals"}:
                self.err(cp, "must be {\"field\": ..., \"equals\": ...}")
                continue
            target = keys.get(cond["field"])
            if target is None or cond["field"] == key:
                self.err(cp, f"field {cond['field']!r} is not a sibling")
            elif not isinstance(cond["equals"], str):
                self.err(f"{cp}.equals", "must be a string")
            elif target.get("type") == "choice" and cond["equals"] not in (target.get("options") or []):
                self.err(f"{cp}.equals", f"{cond['equals']!r} is not an option of {cond['field']}")


def check_pages(checker, path):
    with open(path, encoding="utf-8") as fh:
        raw = fh.read()
    pages = json.loads(raw)
    if raw != json.dumps(pages, ensure_ascii=False, indent=2) + "\n":
        checker.err("pages", "file is not pretty-printed JSON with 2-space indent")
    checker.nfc_walk(pages, "pages")
    if not isinstance(pages, list):
        checker.err("pages", "must be a list")
        return collections.Counter()
    slugs = set()
    kinds = collections.Counter()
    for i, page in enumerate(pages):
        p = f"pages[{i}]"
        if not isinstance(page, dict):
            checker.err(p, "must be an object")
            continue
        checker.keys(page, {"slug", "kind", "title", "body", "position", "published"}, p)
        slug = page.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
            checker.err(f"{p}.slug", "1-80 lower-case ASCII words joined by hyphens")
        elif slug in slugs:
            checker.err(f"{p}.slug", f"duplicate slug {slug}")
        else:
            slugs.add(slug)
        if page.get("kind") not in ("guide", "faq"):
            checker.err(f"{p}.kind", "must be guide or faq")
        kinds[page.get("kind")] += 1
        checker.text(page, "title", p, max_len=300)
        body = checker.text(page, "body", p, max_len=100_000)
        if "position" in page and (not checker.is_int(page["position"]) or abs(page["position"]) > 1_000_000):
            checker.err(f"{p}.position", "must be a whole number (|n| <= 1000000)")
        if "published" in page and not isinstance(page["published"], bool):
            checker.err(f"{p}.published", "must be true or false")
        if body and HTML_TAG.search(body):
            checker.err(f"{p}.body", "markdown only, no raw HTML")
    if not 3 <= kinds["guide"] <= 4:
        checker.err("pages", f"3-4 guides expected, found {kinds['guide']}")
    if not 8 <= kinds["faq"] <= 10:
        checker.err("pages", f"8-10 FAQ entries expected, found {kinds['faq']}")
    return kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalogue", nargs="?", default=DEFAULT_CATALOGUE)
    ap.add_argument("--pages", default=DEFAULT_PAGES)
    args = ap.parse_args()

    checker = Checker()
    with open(args.catalogue, encoding="utf-8") as fh:
        raw = fh.read()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        print(f"{args.catalogue}: invalid JSON: {e}")
        return 1
    checker.pack(data, raw)
    procs = [p for p in data.get("procedures", []) if isinstance(p, dict)]

    # Demo content rules from the brief.
    n = len(procs)
    by_level = collections.Counter(p.get("service_level") for p in procs)
    if n < 42:
        checker.err("$.procedures", f"at least 42 procedures expected, found {n}")
    if len(data.get("sectors", [])) < 10:
        checker.err("$.sectors", "at least 10 sectors expected")
    if len({p.get("sector") for p in procs}) < 8:
        checker.err("$.procedures", "procedures should cover at least 8 sectors")
    if n and not 0.4 <= by_level["full"] / n <= 0.6:
        checker.warn("$.procedures", f"about half should be full online, found {by_level['full']}/{n}")

    kinds = collections.Counter()
    if args.pages and os.path.exists(args.pages):
        kinds = check_pages(checker, args.pages)

    # Summary.
    names = {s["code"]: s["name"] for s in data.get("sectors", []) if isinstance(s, dict)}
    per_sector = collections.OrderedDict((code, collections.Counter()) for code in names)
    for p in procs:
        per_sector.setdefault(p.get("sector"), collections.Counter())[p.get("service_level")] += 1
        per_sector[p.get("sector")][p.get("level")] += 1
    print(f"Catalogue: {os.path.relpath(args.catalogue, ROOT)}")
    print(f"  {len(data.get('sectors', []))} sectors, {len(data.get('doc_types', []))} doc types, "
          f"{len(data.get('fees', []))} fees, {n} procedures, {len(checker.template_files)} templates")
    print(f"  {'sector':<10} {'name':<42} {'total':>5} {'full':>5} {'part':>5} {'none':>5} {'xã':>4} {'huyện':>6}")
    for code, c in per_sector.items():
        total = c["full"] + c["partial"] + c["none"]
        print(f"  {code:<10} {names.get(code, '?')[:42]:<42} {total:>5} {c['full']:>5} {c['partial']:>5} "
              f"{c['none']:>5} {c['commune']:>4} {c['district']:>6}")
    levels = collections.Counter(p.get("level") for p in procs)
    print(f"  service level: full {by_level['full']}, partial {by_level['partial']}, none {by_level['none']}")
    print(f"  level: commune {levels['commune']}, district {levels['district']}, province {levels['province']}")
    print(f"  immediate results: {sum(1 for p in procs if p.get('immediate_result'))}; "
          f"online forms: {sum(1 for p in procs if p.get('form'))}")
    if kinds:
        print(f"Pages: {kinds['guide']} guides, {kinds['faq']} FAQ entries")
    for w in checker.warnings:
        print(f"warning: {w}")
    for e in checker.errors:
        print(f"error: {e}")
    print("OK" if not checker.errors else f"FAILED: {len(checker.errors)} error(s)")
    return 0 if not checker.errors else 1


if __name__ == "__main__":
    sys.exit(main())
