package collector

import (
	"bytes"
	"testing"
)

func TestFixtures(t *testing.T) {
	c := Collector{ProcPath: "fixtures/proc"}
	load, err := c.LoadAvg()
	if err != nil {
		t.Fatal(err)
	}
	mem, err := c.MemInfo()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, append(load, mem...)); err != nil {
		t.Fatal(err)
	}
	want := `# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.21
# HELP node_load15 15m load average.
# TYPE node_load15 gauge
node_load15 0.12
# HELP node_load5 5m load average.
# TYPE node_load5 gauge
node_load5 0.37
# HELP node_memory_Active_anon_bytes Memory information field Active_anon_bytes.
# TYPE node_memory_Active_anon_bytes gauge
node_memory_Active_anon_bytes 2.068463616e+09
# HELP node_memory_HugePages_Total Memory information field HugePages_Total.
# TYPE node_memory_HugePages_Total gauge
node_memory_HugePages_Total 0
# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.
# TYPE node_memory_MemAvailable_bytes gauge
node_memory_MemAvailable_bytes 1.2580458496e+10
# HELP node_memory_MemFree_bytes Memory information field MemFree_bytes.
# TYPE node_memory_MemFree_bytes gauge
node_memory_MemFree_bytes 1.0325057536e+10
# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 1.6740876288e+10
`
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
