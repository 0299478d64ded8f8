package main

import (
	"encoding/binary"
	"testing"
)

// bsonDoc builds a BSON document from already-encoded elements.
func bsonDoc(elems ...[]byte) []byte {
	var body []byte
	for _, e := range elems {
		body = append(body, e...)
	}
	doc := make([]byte, 4, 4+len(body)+1)
	doc = append(doc, body...)
	doc = append(doc, 0)
	binary.LittleEndian.PutUint32(doc[0:4], uint32(len(doc)))
	return doc
}

func str(key, val string) []byte {
	e := append([]byte{0x02}, append([]byte(key), 0)...)
	l := make([]byte, 4)
	binary.LittleEndian.PutUint32(l, uint32(len(val)+1))
	return append(append(e, l...), append([]byte(val), 0)...)
}

func sub(key string, doc []byte) []byte {
	return append(append([]byte{0x03}, append([]byte(key), 0)...), doc...)
}

func TestDatabaseOf(t *testing.T) {
	update := bsonDoc(str("update", "cases"), sub("u", bsonDoc(str("$db", "not-this"))), []byte{0x10, 'n', 0, 1, 0, 0, 0}, str("$db", "cf_test_1_2"))
	if got := databaseOf(update); got != "cf_test_1_2" {
		t.Fatalf("databaseOf = %q", got)
	}
	if got := databaseOf(bsonDoc(str("update", "cases"))); got != "" {
		t.Fatalf("no $db: %q", got)
	}
	if got := databaseOf(update[:len(update)-3]); got != "" {
		t.Fatalf("truncated: %q", got)
	}
	body := append([]byte{0, 0, 0, 0, 0}, update...)
	if must, db := serialized(opMsg, body); !must || db != "cf_test_1_2" {
		t.Fatalf("serialized = %v %q", must, db)
	}
	find := append([]byte{0, 0, 0, 0, 0}, bsonDoc(str("find", "cases"), str("$db", "x"))...)
	if must, _ := serialized(opMsg, find); must {
		t.Fatal("find must not be serialized")
	}
}
