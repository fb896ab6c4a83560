"""The Typst peer of the batch benchmark: every .typ file of a folder compiled to a tagged,
archival PDF (PDF/A-2b, PDF/UA-1, as nianbao's) by one warm compiler in this process.
Prints one JSON line: CPU and wall milliseconds per PDF, and the PDFs' mean size."""
import glob
import json
import sys
import time

import typst

files = sorted(glob.glob(sys.argv[1] + "/*.typ"))
compiler = typst.Compiler(root=sys.argv[1])
standards = ["a-2b", "ua-1"]
# Warm: fonts found and loaded once, as nianbao loads them once per batch.
compiler.compile(input=files[0], pdf_standards=standards)
cpu, wall = time.process_time(), time.perf_counter()
size = 0
for f in files:
    size += len(compiler.compile(input=f, pdf_standards=standards))
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
n = len(files)
print(json.dumps({"n": n, "cpu_ms": cpu * 1e3 / n, "wall_ms": wall * 1e3 / n, "kb": size / n / 1024}))
