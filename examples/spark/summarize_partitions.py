"""Summarize a directory of graygate logs with Spark, one shard summary per partition.

Spark reads the log files (plain, or gzip named *.gz) as an RDD of lines and repartitions them. Each
partition feeds its lines to `graygate summarize` in a subprocess and returns the summary bytes to the
driver, which writes them as OUTPUT_DIR/part-NNNNN.ggs and prints the `graygate analyze --summary ...`
command that merges them into the report of the whole log:

    python summarize_partitions.py logs/ shards/ --partitions 8 --graygate /usr/local/bin/graygate

Why not `RDD.pipe`: pipe splits the command's standard output into text lines, and a summary is
binary gzip. Base64 on one line would work, but it needs a shell on every executor, and a failed
graygate would hide behind the encoder's exit status. With `mapPartitionsWithIndex`, the partition's
lines go to graygate's standard input and the summary comes back as bytes keyed by the partition
index. A non-zero exit status fails the Spark task with graygate's own message. Returning the bytes
(a few KB per shard) rather than writing them on the executor means the executors need no shared
filesystem, only the graygate binary at the same path.

graygate writes each summary to a file in a temporary directory, not to standard output, because
graygate 0.1.0 rejects `summarize -o -` when the log also comes from standard input.

Known differences from `graygate analyze` on the same files (checked with pyspark 4.3.0):
- Hadoop's text input recognises gzip by the `.gz` extension, not by the first bytes, so a gzip file
  with another name is read as binary lines, which graygate rejects.
- Hadoop also ends a line at a bare carriage return, which graygate reads as JSON whitespace.
- Spark's JVM decodes each line as UTF-8 and replaces invalid bytes with U+FFFD, so category values
  that differ only in invalid bytes become one value.
- Rejected-line examples name no file and are numbered within their shard.

Spark runs in local mode (`local[2]`) by default and binds only to 127.0.0.1. Pass `--master` to run
on a cluster.
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

from pyspark.sql import SparkSession

SHARD_PREFIX = "part-"
SHARD_SUFFIX = ".ggs"


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Summarize a directory of graygate logs with Spark, one summary per partition."
    )
    parser.add_argument("input_dir", help="directory of JSON-lines log files, plain or gzip (*.gz)")
    parser.add_argument("output_dir", help="directory for the shard summaries part-NNNNN.ggs")
    parser.add_argument(
        "--partitions", type=int, default=4, help="number of partitions, one summary each (default: 4)"
    )
    parser.add_argument(
        "--graygate",
        default="graygate",
        help="path of the graygate binary on the driver and every executor (default: graygate on PATH)",
    )
    parser.add_argument(
        "--config",
        help="graygate JSON configuration for summarize (pass the same file to analyze)",
    )
    parser.add_argument("--master", default="local[2]", help="Spark master URL (default: local[2])")
    args = parser.parse_args(argv)
    if args.partitions < 1:
        parser.error(f"--partitions must be at least 1, got {args.partitions}")
    if not os.path.isdir(args.input_dir):
        parser.error(f"input directory not found: {args.input_dir}")
    # On a cluster the binary must exist on the executors, which the driver cannot check.
    if args.master.startswith("local") and shutil.which(args.graygate) is None:
        parser.error(f"graygate binary not found or not executable: {args.graygate}; pass --graygate PATH")
    return args


def make_partition_summarizer(command):
    """Return a function for mapPartitionsWithIndex that yields (index, summary bytes) once."""

    def summarize_partition(index, lines):
        with tempfile.TemporaryDirectory(prefix="graygate-shard-") as work_dir:
            summary_path = os.path.join(work_dir, "summary.ggs")
            log_path = os.path.join(work_dir, "graygate.log")
            with open(log_path, "wb") as log_file:
                # graygate reads the lines from standard input. It prints rejected lines and errors
                # to the log file, which is copied to the executor's standard error below.
                process = subprocess.Popen(
                    command + ["-o", summary_path],
                    stdin=subprocess.PIPE,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
                try:
                    for line in lines:
                        process.stdin.write(line)
                        process.stdin.write(b"\n")
                    process.stdin.close()
                except BrokenPipeError:
                    # graygate exited before reading every line, and its exit status and message
                    # give the reason.
                    pass
                except BaseException:
                    process.kill()
                    process.wait()
                    raise
                status = process.wait()
            with open(log_path, "rb") as log_file:
                message = log_file.read().decode("utf-8", errors="replace")
            if status != 0:
                raise RuntimeError(
                    f"partition {index}: {shlex.join(command)} exited with status {status}: "
                    f"{message.strip()}"
                )
            for message_line in message.splitlines():
                print(f"partition {index}: {message_line}", file=sys.stderr)
            with open(summary_path, "rb") as summary_file:
                summary = summary_file.read()
        yield index, summary

    return summarize_partition


def existing_shards(output_dir):
    return sorted(
        name
        for name in os.listdir(output_dir)
        if name.startswith(SHARD_PREFIX) and name.endswith(SHARD_SUFFIX)
    )


def main(argv):
    args = parse_arguments(argv)

    os.makedirs(args.output_dir, exist_ok=True)
    stale = existing_shards(args.output_dir)
    if stale:
        # Old shards left next to new ones would be merged too and count their lines twice.
        sys.exit(
            f"error: {args.output_dir} already contains {len(stale)} shard summaries "
            f"({stale[0]}, ...); remove them or choose another output directory"
        )

    command = [args.graygate, "summarize"]
    if args.config:
        command += ["--config", os.path.abspath(args.config)]

    builder = SparkSession.builder.master(args.master).appName("graygate-summarize")
    if args.master.startswith("local"):
        # Keep the driver on loopback, start no web UI, and run the Python workers with this
        # interpreter, which has pyspark installed. On a cluster, configure these for its network
        # and executors instead.
        builder = (
            builder.config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.pyspark.python", sys.executable)
        )
    spark = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
    try:
        # use_unicode=False hands each line to Python as UTF-8 bytes without decoding it, which
        # the subprocess needs anyway.
        lines = spark.sparkContext.textFile(args.input_dir, use_unicode=False)
        summaries = (
            lines.repartition(args.partitions)
            .mapPartitionsWithIndex(make_partition_summarizer(command))
            .collect()
        )
    finally:
        spark.stop()

    paths = []
    for index, summary in sorted(summaries):
        path = os.path.join(args.output_dir, f"{SHARD_PREFIX}{index:05d}{SHARD_SUFFIX}")
        with open(path, "wb") as shard_file:
            shard_file.write(summary)
        paths.append(path)
    print(f"wrote {len(paths)} shard summaries to {args.output_dir}", file=sys.stderr)

    analyze = [args.graygate, "analyze"]
    if args.config:
        analyze += ["--config", args.config]
    for path in paths:
        analyze += ["--summary", path]
    print(shlex.join(analyze))


if __name__ == "__main__":
    main(sys.argv[1:])
