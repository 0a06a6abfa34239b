package cloudtrail

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Filter selects the part of an archive to read. Zero values select all.
type Filter struct {
	// Since and Until bound the event times (Until exclusive). Folders are
	// pruned by their date before a file is opened; records are then
	// checked one by one.
	Since, Until time.Time
	Accounts     []string
	Regions      []string
}

// File is one log file of the archive, with what its path says.
type File struct {
	Path            string
	Account, Region string    // from the layout; empty outside it
	Day             time.Time // the folder's date (UTC); zero outside the layout
}

// deliveryLag is how long after an event CloudTrail may deliver it: the
// folder date is the delivery's, so a folder may hold events of the day
// before. Used only to prune whole days with Until.
const deliveryLag = 24 * time.Hour

// List returns the archive's log files under root (a folder or one file),
// sorted by path: .json.gz and .json files, without digest files and
// without the folders the filter excludes. Folders are pruned as the walk
// reaches them: another account's or region's folder, a year, month or
// day outside the range, is never listed.
func List(root string, f Filter) ([]File, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("read archive %s: %w", root, err)
	}
	if !st.IsDir() {
		return []File{{Path: root}}, nil
	}
	var out []File
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read archive folder %s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		pos := parse(filepath.ToSlash(rel))
		if d.IsDir() {
			if path != root && !f.keep(pos) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".json.gz") && !strings.HasSuffix(name, ".json") || strings.Contains(name, "CloudTrail-Digest") {
			return nil
		}
		if !d.Type().IsRegular() || !f.keep(pos) {
			return nil
		}
		out = append(out, File{Path: path, Account: pos.account, Region: pos.region, Day: pos.day()})
		return nil
	})
	return out, err
}

// position is what a path inside the layout says, as far as it goes.
type position struct {
	inLayout        bool // under AWSLogs/…/CloudTrail/
	other           bool // under AWSLogs/…/<not CloudTrail>/ (digests, insights)
	account, region string
	ymd             []int // year, month, day as far as given
}

func (p position) day() time.Time {
	if len(p.ymd) < 3 {
		return time.Time{}
	}
	return time.Date(p.ymd[0], time.Month(p.ymd[1]), p.ymd[2], 0, 0, 0, 0, time.UTC)
}

// parse reads a path relative to the archive root. The layout is found by
// its "AWSLogs" folder wherever it starts (the root may be the bucket, the
// prefix or AWSLogs itself is not required: a root inside the layout is
// read without pruning).
func parse(rel string) position {
	var p position
	parts := strings.Split(rel, "/")
	i := slices.Index(parts, "AWSLogs")
	if i < 0 {
		return p
	}
	rest := parts[i+1:]
	// AWSLogs/<account>/CloudTrail/… or AWSLogs/<org-id>/<account>/CloudTrail/…
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return p
	}
	p.inLayout = true
	p.account = rest[0]
	if len(rest) == 1 {
		return p
	}
	if rest[1] != "CloudTrail" {
		p.other = true // CloudTrail-Digest, CloudTrail-Insight, …
		return p
	}
	rest = rest[2:]
	if len(rest) > 0 {
		p.region = rest[0]
		for _, s := range rest[1:min(len(rest), 4)] {
			n, err := strconv.Atoi(s)
			if err != nil {
				break
			}
			p.ymd = append(p.ymd, n)
		}
	}
	return p
}

// keep decides on a folder or file from what its path says so far.
func (f Filter) keep(p position) bool {
	if p.other {
		return false
	}
	if !p.inLayout {
		return true
	}
	if len(f.Accounts) > 0 && p.account != "" && !slices.Contains(f.Accounts, p.account) {
		return false
	}
	if len(f.Regions) > 0 && p.region != "" && !slices.Contains(f.Regions, p.region) {
		return false
	}
	if len(p.ymd) == 0 {
		return true
	}
	// The span the folder covers: a year, a month or a day (UTC), widened
	// by the delivery lag at its start.
	y, m, d := p.ymd[0], 1, 1
	var from, to time.Time
	switch len(p.ymd) {
	case 1:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(1, 0, 0)
	case 2:
		m = p.ymd[1]
		from = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 1, 0)
	default:
		m, d = p.ymd[1], p.ymd[2]
		from = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 0, 1)
	}
	// Events delivered in [from, to) happened before to, and at most the
	// lag before from.
	if !f.Since.IsZero() && !to.After(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !from.Add(-deliveryLag).Before(f.Until) {
		return false
	}
	return true
}

// Keeps reports whether a record's time is inside the filter's range; a
// time that cannot be read is kept (the record says what it is).
func (f Filter) Keeps(eventTime string) bool {
	if f.Since.IsZero() && f.Until.IsZero() {
		return true
	}
	t, err := time.Parse(time.RFC3339, eventTime)
	if err != nil {
		return true
	}
	return (f.Since.IsZero() || !t.Before(f.Since)) && (f.Until.IsZero() || t.Before(f.Until))
}
