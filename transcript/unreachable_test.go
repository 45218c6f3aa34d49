package transcript

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// refusing is a transport with no network behind it: every dial is
// refused, as net/http reports it.
type refusing struct{}

func (refusing) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
}

// TestUnreachableSaysWhatToDo: with YouTube unreachable, the error says
// what to check and suggests no flag: `castfeed transcript` has no
// --offline, and build's is told in its own help (issue 10, item 8).
func TestUnreachableSaysWhatToDo(t *testing.T) {
	f := &Fetcher{HTTPClient: &http.Client{Transport: refusing{}}, Languages: []string{"en"}, Timeout: 5 * time.Second}
	_, _, err := f.Fetch(context.Background(), "vid00000007")
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v; want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), "--") || !strings.Contains(err.Error(), "network connection") {
		t.Errorf("err = %q; want advice on the network and no command-line flag", err)
	}
}
