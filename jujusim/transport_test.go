package jujusim

import (
	"bytes"
	"testing"
)

// TestAppendReplyEmpty checks that the reply to a call without a result
// (nil, struct{}{} as the generated dispatch returns, emptyObject) is
// written by appendReply as encoding/json writes it, in both codecs.
func TestAppendReplyEmpty(t *testing.T) {
	for _, v0 := range []bool{false, true} {
		for _, res := range []any{nil, struct{}{}, emptyObject{}} {
			want, err := encodeFrame(replyFrame(7, v0, res, nil))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if !appendReply(&got, 7, v0, res) {
				t.Fatalf("v0=%v %T: appendReply did not encode", v0, res)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("v0=%v %T: frame\n got %s\nwant %s", v0, res, got.Bytes(), want)
			}
		}
	}
}
