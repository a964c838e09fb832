package console

import "sort"

// barChart is a horizontal bar chart rendered as inline SVG by the template
// (chart.html): no JavaScript, no images to fetch.
type barChart struct {
	Width, Height int
	LabelW        int
	Bars          []bar
}

type bar struct {
	Label string
	Value int
	Y     int // top of the row
	W     int // bar width in px
	TextY int
	ValX  int
}

const (
	chartWidth = 640
	rowHeight  = 26
	labelWidth = 190
)

// newBarChart lays out bars for values, in the given order.
func newBarChart(labels []string, values []int) barChart {
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	span := chartWidth - labelWidth - 50
	ch := barChart{Width: chartWidth, LabelW: labelWidth, Height: max(rowHeight, len(values)*rowHeight)}
	for i, v := range values {
		w := v * span / maxV
		if v > 0 {
			w = max(w, 2)
		}
		label := labels[i]
		if r := []rune(label); len(r) > 28 {
			label = string(r[:27]) + "…"
		}
		ch.Bars = append(ch.Bars, bar{Label: label, Value: v, Y: i*rowHeight + 4, W: w, TextY: i*rowHeight + 18,
			ValX: labelWidth + w + 6})
	}
	return ch
}

// countsChart sorts counts by value (largest first, then by label) into a chart.
func countsChart(counts map[string]int, label func(string) string) barChart {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	labels := make([]string, len(keys))
	values := make([]int, len(keys))
	for i, k := range keys {
		labels[i], values[i] = label(k), counts[k]
	}
	return newBarChart(labels, values)
}
