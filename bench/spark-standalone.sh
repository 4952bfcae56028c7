#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from spark-core's own classes (no Spark download):
# one master and one worker on 127.0.0.1, so that `--master spark://127.0.0.1:17077` runs executors
# in JVMs of their own, as on a real cluster (a model file shipped with the job, a victim loaded
# from the shared fixtures). Uses the classpath ./robustgate builds.
#   bench/spark-standalone.sh start [CORES] [MEMORY]; bench/spark-standalone.sh stop
#   SPARK_LOCAL_IP=127.0.0.1 ROBUSTGATE_JAVA_OPTS="-Dspark.executor.cores=1 -Dspark.executor.memory=1500m \
#     -Dspark.executor.extraJavaOptions=-Drobustgate.fixtures.dir=$PWD/fixtures" \
#     ./robustgate eval --victim fashion-mlp-small --attack strong --eps 0.1 --engine spark --master spark://127.0.0.1:17077
set -euo pipefail
cd "$(dirname "$0")/.."
run=target/spark-standalone
case "${1:-}" in
  start)
    [ -s target/robustgate.classpath ] || ./robustgate --help >/dev/null
    mkdir -p "$run/home" "$run/work"
    cp_="$PWD/target/test-classes:$PWD/target/classes:$(cat target/robustgate.classpath)"
    opens=$(sed -n 's:.*<robustgate.javaOpens>\(.*\)</robustgate.javaOpens>.*:\1:p' pom.xml)
    # The worker builds its executors' command line with Spark's launcher, which wants SPARK_HOME/jars;
    # SPARK_TESTING lets it take the classpath from SPARK_DIST_CLASSPATH instead.
    export SPARK_HOME="$PWD/$run/home" SPARK_TESTING=1 SPARK_SCALA_VERSION=2.13 SPARK_DIST_CLASSPATH="$cp_" \
           SPARK_LOCAL_IP=127.0.0.1 OMP_WAIT_POLICY=PASSIVE
    java -Xmx512m $opens -cp "$cp_" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 17077 --webui-port 18080 \
      > "$run/master.log" 2>&1 &
    echo $! > "$run/master.pid"
    sleep 8
    java -Xmx512m $opens -cp "$cp_" org.apache.spark.deploy.worker.Worker spark://127.0.0.1:17077 --host 127.0.0.1 \
      --cores "${2:-2}" --memory "${3:-4g}" --webui-port 18081 --work-dir "$PWD/$run/work" > "$run/worker.log" 2>&1 &
    echo $! > "$run/worker.pid"
    echo "master spark://127.0.0.1:17077 (pid $(cat "$run/master.pid")), worker pid $(cat "$run/worker.pid"); executor logs in $run/work"
    ;;
  stop)
    for p in worker master; do [ -s "$run/$p.pid" ] && kill "$(cat "$run/$p.pid")" 2>/dev/null || true; rm -f "$run/$p.pid"; done
    ;;
  *) echo "usage: $0 start [CORES] [MEMORY] | stop" >&2; exit 2 ;;
esac
