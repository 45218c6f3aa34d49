package feed_test

import (
	"fmt"

	"github.com/castfeed/castfeed/feed"
)

func ExampleGUID() {
	fmt.Println(feed.GUID("https://podnews.net/rss"))
	// Output: 9b024349-ccf0-5f69-a609-6b82873eab3c
}
