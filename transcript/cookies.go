package transcript

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// parseCookies reads a Netscape cookies.txt file, the format browsers'
// "export cookies" extensions and yt-dlp's --cookies write: one cookie a
// line, seven tab-separated fields (domain, include subdomains, path,
// secure, expiry in Unix seconds, name, value). Lines starting with "#" are
// comments, except the "#HttpOnly_" prefix curl uses to mark HttpOnly
// cookies. A malformed line is an error naming its line number.
//
// As in the file, a Domain with a leading dot means the cookie is sent to
// subdomains too; one without is sent to that host only.
func parseCookies(r io.Reader) ([]*http.Cookie, error) {
	var cookies []*http.Cookie
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		httpOnly := false
		if rest, ok := strings.CutPrefix(line, "#HttpOnly_"); ok {
			line, httpOnly = rest, true
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) == 6 {
			f = append(f, "") // an empty value loses its trailing tab in some exporters
		}
		if len(f) != 7 {
			return nil, fmt.Errorf("cookies line %d: %d tab-separated fields, want 7 (domain, subdomains, path, secure, expiry, name, value)", n, len(f))
		}
		domain := strings.TrimSpace(f[0])
		if domain == "" || strings.ContainsAny(domain, " /;") {
			return nil, fmt.Errorf("cookies line %d: bad domain %q", n, f[0])
		}
		expiry, err := strconv.ParseInt(strings.TrimSpace(f[4]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cookies line %d: expiry %q is not Unix seconds", n, f[4])
		}
		c := &http.Cookie{
			Name:     f[5],
			Value:    f[6],
			Path:     f[2],
			Domain:   domain,
			Secure:   strings.EqualFold(f[3], "TRUE"),
			HttpOnly: httpOnly,
		}
		if c.Name == "" {
			return nil, fmt.Errorf("cookies line %d: empty cookie name", n)
		}
		if c.Path == "" {
			c.Path = "/"
		}
		if strings.EqualFold(f[1], "TRUE") {
			c.Domain = "." + strings.TrimPrefix(domain, ".")
		} else {
			c.Domain = strings.TrimPrefix(domain, ".")
		}
		if expiry > 0 {
			c.Expires = time.Unix(expiry, 0)
		}
		cookies = append(cookies, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read cookies: %w", err)
	}
	return cookies, nil
}

// newJar returns a cookie jar holding cookies. Expired cookies are
// dropped by the jar itself.
func newJar(cookies []*http.Cookie) (http.CookieJar, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	for _, c := range cookies {
		host, sub := strings.CutPrefix(c.Domain, ".")
		u := &url.URL{Scheme: "https", Host: host, Path: c.Path}
		cc := *c
		if !sub {
			cc.Domain = "" // host-only
		}
		jar.SetCookies(u, []*http.Cookie{&cc})
	}
	return jar, nil
}
