#!/usr/bin/python3
"""The floor of indexing with Xapian alone, on one core.

    bench/xapian_floor.py CORPUS.jsonl [COUNT]      # python3-xapian (Debian)

Indexes the first COUNT records (10,000) of a news.jsonl file with plain
Xapian as newsindex's terms are made (TermGenerator, English stems with
STEM_SOME: exact words with positions plus Z stems; the title twice, with
weight 3 and under the S prefix; an id term), committing every 1,000
documents as a build does, in four variants: add_document, replace_document
by the id term, add_document with the record as document data, and the
same without positions. Prints the seconds spent making the documents
(tokenising, stemming) and in the writer (add or replace, and commit), and
the writer's documents/s: what one writer thread can do at best, before
story keys, spelling, values, topics and language detection.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import xapian

VARIANTS = ("add", "replace", "add+data", "add+data-positions")


def make_documents(records, variant):
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("en"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    index = (tg.index_text_without_positions if "-positions" in variant
             else tg.index_text)
    docs = []
    for record in records:
        doc = xapian.Document()
        tg.set_document(doc)
        title = record.get("title", "")
        index(title, 3)
        tg.increase_termpos(100)
        index(title, 1, "S")
        tg.increase_termpos(100)
        index(record.get("summary", ""))
        tg.increase_termpos(100)
        index(record.get("body", ""))
        doc.add_boolean_term("Q" + record["id"])
        if "+data" in variant:
            doc.set_data(json.dumps(record))
        docs.append(doc)
    return docs


def write(docs, records, variant, path):
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    start = time.perf_counter()
    for i, doc in enumerate(docs):
        if variant == "replace":
            db.replace_document("Q" + records[i]["id"], doc)
        else:
            db.add_document(doc)
        if (i + 1) % 1000 == 0:
            db.commit()
    db.commit()
    return time.perf_counter() - start


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    records = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if len(records) >= count:
                break
            record = json.loads(line)
            if "id" in record:
                records.append(record)
    scratch = tempfile.mkdtemp(prefix="xapian-floor-")
    try:
        print("variant               make_s  write_s  writer_docs/s")
        for variant in VARIANTS:
            start = time.perf_counter()
            docs = make_documents(records, variant)
            made = time.perf_counter() - start
            written = write(docs, records, variant,
                            os.path.join(scratch, variant))
            print("%-20s %7.2f  %7.2f  %13.0f" %
                  (variant, made, written, len(docs) / written))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
