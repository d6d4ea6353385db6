// Package collector reads node metrics from a procfs tree and renders them in the Prometheus
// text exposition format.
package collector

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Metric is one sample.
type Metric struct {
	Name   string
	Help   string
	Type   string
	Labels map[string]string
	Value  float64
}

// Collector gathers samples from the procfs mounted at ProcPath.
type Collector struct {
	ProcPath string
}

func (c Collector) open(name string) (*os.File, error) {
	return os.Open(filepath.Join(c.ProcPath, name))
}

// LoadAvg reads /proc/loadavg.
func (c Collector) LoadAvg() ([]Metric, error) {
	f, err := c.open("loadavg")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var l1, l5, l15 float64
	if _, err := fmt.Fscan(f, &l1, &l5, &l15); err != nil {
		return nil, fmt.Errorf("parse loadavg: %w", err)
	}
	return []Metric{
		{Name: "node_load1", Help: "1m load average.", Type: "gauge", Value: l1},
		{Name: "node_load5", Help: "5m load average.", Type: "gauge", Value: l5},
		{Name: "node_load15", Help: "15m load average.", Type: "gauge", Value: l15},
	}, nil
}

// MemInfo reads /proc/meminfo; values in kB become bytes.
func (c Collector) MemInfo() ([]Metric, error) {
	f, err := c.open("meminfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Metric
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			return nil, fmt.Errorf("parse meminfo %q: %w", s.Text(), err)
		}
		name := strings.TrimSuffix(fields[0], ":")
		name = strings.NewReplacer("(", "_", ")", "").Replace(name)
		suffix := ""
		if len(fields) == 3 && fields[2] == "kB" {
			v *= 1024
			suffix = "_bytes"
		}
		out = append(out, Metric{Name: "node_memory_" + name + suffix, Help: "Memory information field " + name + suffix + ".", Type: "gauge", Value: v})
	}
	return out, s.Err()
}

// Write renders samples sorted by name, HELP and TYPE once per name.
func Write(w io.Writer, ms []Metric) error {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	last := ""
	for _, m := range ms {
		if m.Name != last {
			if _, err := fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.Name, m.Help, m.Name, m.Type); err != nil {
				return err
			}
			last = m.Name
		}
		labels := ""
		if len(m.Labels) > 0 {
			keys := make([]string, 0, len(m.Labels))
			for k := range m.Labels {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = fmt.Sprintf("%s=%q", k, m.Labels[k])
			}
			labels = "{" + strings.Join(parts, ",") + "}"
		}
		if _, err := fmt.Fprintf(w, "%s%s %s\n", m.Name, labels, strconv.FormatFloat(m.Value, 'g', -1, 64)); err != nil {
			return err
		}
	}
	return nil
}
