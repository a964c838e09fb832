package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
)

// publishedJSON is the stored form of a report's published photo indexes: a
// sorted JSON array without repeats, or NULL when none.
func publishedJSON(idx []int) any {
	if len(idx) == 0 {
		return nil
	}
	cp := slices.Clone(idx)
	slices.Sort(cp)
	cp = slices.Compact(cp)
	b, _ := json.Marshal(cp) // cannot fail: integers
	return string(b)
}

func parsePublished(v sql.NullString) ([]int, error) {
	if !v.Valid || v.String == "" {
		return nil, nil
	}
	var idx []int
	if err := json.Unmarshal([]byte(v.String), &idx); err != nil {
		return nil, fmt.Errorf("decode published photos: %w", err)
	}
	return idx, nil
}
