#!/usr/bin/env python3
"""Generates a procedure pack of N synthetic procedures for benchmarks, seeded from demo/catalogue.json.

Usage: scripts/bench/gen-procedures.py N OUT.json [--catalogue demo/catalogue.json] [--seed 20240601]

Every generated procedure starts from one of the demo procedures (a "seed") and keeps its body (steps, method,
components, agencies, result, fees, legal basis, workflow, e-form), so the text indexed per procedure is real
Vietnamese administrative prose. What varies is what makes a catalogue of thousands look like one:

* the name: the seed's name, or its object under another action verb of the same kind ("Cấp lại", "Gia hạn",
  "Đăng ký thay đổi" ...), plus qualifiers built from words of the other seeds' names and components ("đối với
  nhà ở riêng lẻ", "có yếu tố nước ngoài", "(trường hợp văn bản ủy quyền)", "cấp huyện" ...), and now and then a
  "Liên thông" name joining two seeds, as in the national catalogue;
* the implementing level (mostly the seed's), the processing time (never shorter than the seed's), and one
  component borrowed from another seed now and then.

The pack obeys every rule of docs/PROCEDURE-PACK.md: codes BENCH-00001 ..., channels.online exactly when
service_level is not "none", a non-empty form when online, workflow hours within the processing time. Templates
(and the components' references to them) are dropped, and so are workflow units (optional; the office that imports
the pack may not have the demo's units). Only the sectors, document types and fees the procedures refer to are
included. The output is deterministic for a given N and seed. Standard library only.
"""

import argparse
import collections
import copy
import json
import os
import random
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CATALOGUE = os.path.join(ROOT, "demo", "catalogue.json")

# Leading action phrases of procedure names, longest first. A generated name may swap the seed's action for
# another of the same family, the way the national catalogue has "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn" ... for
# one licence.
ACTIONS = [
    "Thực hiện, điều chỉnh, thôi hưởng", "Xác định, xác định lại", "Tạm ngừng kinh doanh, tiếp tục kinh doanh",
    "Đăng ký thay đổi", "Đăng ký lại", "Đăng ký biến động", "Đăng ký",
    "Cấp bản sao", "Cấp lại", "Cấp đổi", "Cấp", "Gia hạn", "Điều chỉnh", "Chứng thực", "Hỗ trợ", "Giải quyết",
    "Xét tặng", "Tặng", "Chuyển", "Chấm dứt", "Hòa giải",
]
# Families of interchangeable actions: licences and certificates, registrations, benefits, attestations.
LICENCE_ACTIONS = ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Đính chính", "Cấp bản sao"]
REGISTRATION_ACTIONS = ["Đăng ký", "Đăng ký lại", "Đăng ký thay đổi", "Đăng ký bổ sung", "Xóa đăng ký",
                        "Xác nhận", "Thông báo"]
BENEFIT_ACTIONS = ["Hỗ trợ", "Giải quyết", "Thực hiện", "Điều chỉnh", "Thôi hưởng", "Xét duyệt"]
AWARD_ACTIONS = ["Xét tặng", "Tặng", "Công nhận", "Khen thưởng"]
FAMILY_OF = {
    "Cấp": LICENCE_ACTIONS, "Cấp lại": LICENCE_ACTIONS, "Cấp đổi": LICENCE_ACTIONS, "Gia hạn": LICENCE_ACTIONS,
    "Điều chỉnh": LICENCE_ACTIONS, "Cấp bản sao": LICENCE_ACTIONS,
    "Đăng ký": REGISTRATION_ACTIONS, "Đăng ký lại": REGISTRATION_ACTIONS,
    "Đăng ký thay đổi": REGISTRATION_ACTIONS,
    "Đăng ký biến động": REGISTRATION_ACTIONS,
    "Hỗ trợ": BENEFIT_ACTIONS, "Giải quyết": BENEFIT_ACTIONS, "Thực hiện, điều chỉnh, thôi hưởng": BENEFIT_ACTIONS,
    "Xét tặng": AWARD_ACTIONS, "Tặng": AWARD_ACTIONS,
}
LEVEL_WORDS = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
LEVELS = ["province", "district", "commune"]
# Fixed qualifiers that recur across a real national catalogue.
FIXED_QUALIFIERS = [
    "có yếu tố nước ngoài", "trên môi trường điện tử", "thực hiện tại cấp xã", "thực hiện tại cấp huyện",
    "đối với tổ chức", "đối với cá nhân", "đối với hộ gia đình, cá nhân", "cho người nước ngoài",
    "tại khu vực biên giới", "trong khu công nghiệp", "theo thủ tục rút gọn", "liên thông điện tử",
]


def fold(text):
    """Lower-case ASCII with Vietnamese diacritics removed, as the search index folds it."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        out.append("d" if ch in "đĐ" else ch.lower())
    return "".join(out)


def split_action(name):
    for action in ACTIONS:
        if name.startswith(action + " "):
            return action, name[len(action) + 1:]
    return None, name


def lower_first(text):
    """Lower-cases the first letter, as a phrase inside a name reads, except names of bodies ("Ủy ban ...")."""
    if not text or text.split(" ", 1)[0] in {"Ủy", "Việt", "Phòng", "Sở", "Cổng", "Chủ", "Hội", "Luật"}:
        return text
    return text[0].lower() + text[1:]


# A phrase used as a qualifier must be a noun phrase: not one that opens or closes on a function word.
BAD_FIRST = {"nếu", "trừ", "không", "có", "xuất", "đã", "trong", "khi", "các", "đối", "và", "hoặc", "thì", "để",
             "được", "là", "của", "cho", "từ", "tại", "theo", "do", "với", "mà", "thuộc", "trường", "nộp", "đang"}
BAD_LAST = {"và", "hoặc", "của", "cho", "các", "những", "theo", "do", "với", "là", "được", "để", "tại", "trong",
            "có", "không", "đã", "từ", "về", "mà", "người", "thủ", "bản", "giấy", "cơ", "tổ", "chứng", "đăng"}


def phrases_of(text, rng):
    """Short noun phrases from a longer text: clause heads cut at a clause break, 2 to 8 words each."""
    out = []
    for clause in re.split(r"[;:.()]", text):
        head = re.split(r",| theo | do | đã | để | khi | nếu | thì | trong trường hợp ", clause, maxsplit=1)[0]
        words = head.strip(" -–“”\"").split()
        if len(words) > 8:
            words = words[: rng.randint(3, 7)]
        while words and words[-1].lower() in BAD_LAST:
            words.pop()
        if len(words) < 2 or words[0].lower() in BAD_FIRST or any(re.search(r"[\d/]", w) for w in words):
            continue
        phrase = lower_first(" ".join(words))
        if len(phrase) <= 80:
            out.append(phrase)
    return out


def build_vocabulary(seeds, rng):
    """Objects (what a procedure is about) and noun phrases for qualifiers, all taken from the seeds' names,
    components, applicants, results and conditions."""
    objects = []
    phrases = set()
    for s in seeds:
        action, obj = split_action(s["name"])
        objects.append((action, obj))
        for m in re.finditer(r"đối với ([^,;()]+)", s["name"]):
            phrases.add(m.group(1).strip())
        texts = [c["name"] for c in s["components"]] + [s["applicants"], s["result"]]
        for text in texts:
            phrases.update(phrases_of(text, rng))
    return objects, sorted(phrases)


def make_name(seed, seeds, objects, phrases, level, rng):
    """A procedure name derived from `seed`: maybe another action of its family, maybe qualifiers."""
    action, obj = split_action(seed["name"])
    roll = rng.random()
    if roll < 0.04:
        other = rng.choice(seeds)
        a = lower_first(seed["name"])
        b = lower_first(other["name"])
        name = f"Liên thông các thủ tục hành chính về {a}, {b}" if other is not seed else f"Liên thông {a}"
    elif action and roll < 0.45:
        new_action = rng.choice(FAMILY_OF.get(action, [action]))
        # "Đăng ký" + "đăng ký hộ kinh doanh" would stutter; keep the seed's action then.
        if fold(obj).startswith(fold(new_action.split()[-1])):
            new_action = action
        name = f"{new_action} {obj}"
    else:
        name = seed["name"]
    qualifiers = []
    q = rng.random()
    if q < 0.20:
        qualifiers.append(f"đối với {rng.choice(phrases)}")
    elif q < 0.32:
        qualifiers.append(f"(trường hợp {rng.choice(phrases)})")
    elif q < 0.42:
        qualifiers.append(rng.choice(FIXED_QUALIFIERS))
    elif q < 0.50:
        _, other_obj = rng.choice(objects)
        qualifiers.append(f"liên quan đến {lower_first(other_obj)}")
    if rng.random() < 0.3:
        qualifiers.append(LEVEL_WORDS[level])
    if rng.random() < 0.05:
        agency = re.split(r"[(;,]", seed["implementing_agency"])[0].strip()
        qualifiers.append(f"(thực hiện tại {lower_first(agency)})")
    name = " ".join([name] + qualifiers)
    name = re.sub(r"\s+", " ", name).strip()
    if len(name) > 500:
        name = name[:500].rsplit(" ", 1)[0]
    return name


def generate(n, catalogue, seed_value):
    rng = random.Random(seed_value)
    seeds = catalogue["procedures"]
    objects, phrases = build_vocabulary(seeds, rng)
    doc_type_names = {d["code"]: d["name"] for d in catalogue["doc_types"]}
    procedures = []
    used_names = set()
    for i in range(1, n + 1):
        seed = seeds[(i - 1) % len(seeds)] if i <= len(seeds) else rng.choice(seeds)
        p = copy.deepcopy(seed)
        p["code"] = f"BENCH-{i:05d}"
        # Not demo content: demo procedures must use DEMO- codes.
        p["demo"] = False
        level = seed["level"] if rng.random() < 0.7 else rng.choice(LEVELS)
        p["level"] = level
        # Most names in a real catalogue are distinct, though the same name recurs at several levels and
        # agencies; a taken name is redrawn once.
        for attempt in range(2):
            name = make_name(seed, seeds, objects, phrases, level, rng)
            if name not in used_names:
                break
        used_names.add(name)
        p["name"] = name
        # Templates are files; the benchmark pack carries none, so no legacy level 2 ("forms to download") either.
        p["templates"] = []
        if p.get("legacy_level", 0) < 3:
            p.pop("legacy_level", None)
        for c in p["components"]:
            c.pop("template", None)
        # Now and then a component from another procedure (real catalogues share many documents).
        if rng.random() < 0.4:
            donor = rng.choice(seeds)
            extra = copy.deepcopy(rng.choice(donor["components"]))
            extra.pop("template", None)
            keys = {c["key"] for c in p["components"]}
            base, k = extra["key"][:36], 2
            while extra["key"] in keys:
                extra["key"] = f"{base}_{k}"
                k += 1
            extra["required"] = False
            p["components"].append(extra)
        # Workflow units belong to the demo office; the pack leaves them out.
        for step in p["workflow"]:
            step.pop("unit", None)
        # Processing time: never shorter than the seed's, so the workflow still fits.
        t = p["processing_time"]
        if t["unit"] == "working_days" and t["amount"] > 0 and rng.random() < 0.3:
            t["amount"] += rng.randint(1, 5)
        online = p["service_level"] != "none"
        p["channels"]["online"] = online
        assert not online or p["form"], p["code"]
        hours = sum(s.get("hours", 0) for s in p["workflow"])
        limit = t["amount"] * (8 if t["unit"] == "working_days" else 1)
        assert hours <= limit, (p["code"], hours, limit)
        assert all(c["doc_type"] in doc_type_names for c in p["components"] if c.get("doc_type"))
        procedures.append(p)

    used_sectors = {p["sector"] for p in procedures}
    used_docs = {c["doc_type"] for p in procedures for c in p["components"] if c.get("doc_type")}
    used_fees = {f["fee"] for p in procedures for f in p["fees"]}
    pack = {
        "format": catalogue["format"],
        "format_version": catalogue["format_version"],
        "source": f"motcua benchmark: {n} procedures generated from demo/catalogue.json (seed {seed_value})",
        "sectors": [dict(s, demo=False) for s in catalogue["sectors"] if s["code"] in used_sectors],
        "doc_types": [dict(d, demo=False) for d in catalogue["doc_types"] if d["code"] in used_docs],
        "fees": [dict(f, demo=False) for f in catalogue["fees"] if f["code"] in used_fees],
        "procedures": procedures,
    }
    return pack


def stats(pack):
    names = [p["name"] for p in pack["procedures"]]
    words = collections.Counter(w for n in names for w in set(re.findall(r"\w+", fold(n))))
    return {
        "procedures": len(names),
        "distinct_names": len(set(names)),
        "name_vocabulary": len(words),
        "mean_name_words": round(sum(len(n.split()) for n in names) / max(1, len(names)), 1),
        "top_name_words": words.most_common(12),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of procedures")
    ap.add_argument("out", help="output pack (JSON)")
    ap.add_argument("--catalogue", default=DEFAULT_CATALOGUE, help="seed pack (default demo/catalogue.json)")
    ap.add_argument("--seed", type=int, default=20240601, help="random seed (default 20240601)")
    args = ap.parse_args()
    if not 1 <= args.n <= 99999:
        ap.error("N must be between 1 and 99999 (codes are BENCH-00001 ... BENCH-99999)")
    with open(args.catalogue, encoding="utf-8") as f:
        catalogue = json.load(f)
    pack = generate(args.n, catalogue, args.seed)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(pack, f, ensure_ascii=False, indent=2)  # the layout `motcua export` writes
        f.write("\n")
    os.replace(tmp, args.out)
    s = stats(pack)
    print(
        f"wrote {args.out}: {s['procedures']} procedures, {s['distinct_names']} distinct names, "
        f"{s['name_vocabulary']} distinct name words (folded), {s['mean_name_words']} words per name; "
        f"{len(pack['sectors'])} sectors, {len(pack['doc_types'])} document types, {len(pack['fees'])} fees",
        file=sys.stderr,
    )
    print("most frequent name words: " + ", ".join(f"{w} {c}" for w, c in s["top_name_words"]), file=sys.stderr)


if __name__ == "__main__":
    main()
