package main

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
)

// FerretDB v1 applies an update by reading the document, changing it in Go and writing it back
// in a separate SQLite transaction (backends/sqlite UpdateAll). Two concurrent updates of one
// document therefore lose one of them, and a conditional findAndModify can be "won" by several
// callers at once. MongoDB makes every single-document update atomic, and our code relies on it
// (DESIGN section 5: one atomic update claims a state change). This proxy restores that on our
// build and test machines: it sits in front of FerretDB and lets one read-modify-write command
// (update, findAndModify) reach it at a time. Everything else passes through concurrently.

const (
	opMsg       = 2013
	moreToCome  = 1 << 1
	headerBytes = 16
	maxMessage  = 48 << 20 // MongoDB's maxMessageSizeBytes
)

// One lock per database: FerretDB's SQLite backend keeps each database in its own file, and a
// lost update can only happen between commands on the same document, so commands on different
// databases (e.g. parallel test workers) need not wait for each other.
var (
	locksMu sync.Mutex
	locks   = map[string]*sync.Mutex{}
)

func lockFor(db string) *sync.Mutex {
	locksMu.Lock()
	defer locksMu.Unlock()
	l, ok := locks[db]
	if !ok {
		l = &sync.Mutex{}
		locks[db] = l
	}
	return l
}

// serialized reports whether the OP_MSG body holds a command that must run alone, and the
// database it runs in ("" when it cannot be read: then all such commands share one lock).
func serialized(opCode int32, body []byte) (bool, string) {
	if opCode != opMsg || len(body) < 4+1+4+1 {
		return false, ""
	}
	// body: flagBits(4) | section kind(1) | BSON document: length(4) | type(1) | key cstring ...
	if body[4] != 0 {
		return false, ""
	}
	doc := body[5:]
	keyStart := 4 + 1
	end := keyStart
	for end < len(doc) && doc[end] != 0 {
		end++
	}
	switch string(doc[keyStart:end]) {
	case "update", "findAndModify", "findandmodify":
		return true, databaseOf(doc)
	}
	return false, ""
}

// databaseOf reads the top-level "$db" string of a BSON document; "" if absent or unreadable.
func databaseOf(doc []byte) string {
	if len(doc) < 5 {
		return ""
	}
	size := int(binary.LittleEndian.Uint32(doc[0:4]))
	if size > len(doc) || size < 5 {
		return ""
	}
	i := 4
	for i < size-1 {
		kind := doc[i]
		i++
		keyEnd := i
		for keyEnd < size && doc[keyEnd] != 0 {
			keyEnd++
		}
		if keyEnd >= size {
			return ""
		}
		key := string(doc[i:keyEnd])
		i = keyEnd + 1
		n := valueSize(kind, doc[i:size])
		if n < 0 {
			return ""
		}
		if key == "$db" && kind == 0x02 && n > 5 {
			return string(doc[i+4 : i+n-1])
		}
		i += n
	}
	return ""
}

// valueSize is the encoded size of a BSON value of the given type at the start of v, or -1.
func valueSize(kind byte, v []byte) int {
	fixed := map[byte]int{0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0xFF: 0, 0x7F: 0}
	if n, ok := fixed[kind]; ok {
		if n > len(v) {
			return -1
		}
		return n
	}
	if len(v) < 4 {
		return -1
	}
	l := int(binary.LittleEndian.Uint32(v[0:4]))
	var n int
	switch kind {
	case 0x02, 0x0D, 0x0E: // string, JavaScript, symbol: int32 length + bytes (with NUL)
		n = 4 + l
	case 0x03, 0x04, 0x0F: // document, array, code with scope: int32 total length
		n = l
	case 0x05: // binary: int32 length + subtype + bytes
		n = 4 + 1 + l
	default:
		return -1
	}
	if l < 0 || n > len(v) {
		return -1
	}
	return n
}

func readMessage(r io.Reader) (header []byte, body []byte, err error) {
	header = make([]byte, headerBytes)
	if _, err = io.ReadFull(r, header); err != nil {
		return nil, nil, err
	}
	length := int32(binary.LittleEndian.Uint32(header[0:4]))
	if length < headerBytes || length > maxMessage {
		return nil, nil, errors.New("bad message length")
	}
	body = make([]byte, length-headerBytes)
	_, err = io.ReadFull(r, body)
	return header, body, err
}

func flags(opCode int32, body []byte) uint32 {
	if opCode != opMsg || len(body) < 4 {
		return 0
	}
	return binary.LittleEndian.Uint32(body[0:4])
}

// relay carries one client connection to its own upstream connection, request by request.
func relay(client net.Conn, upstreamAddr string, logger *slog.Logger) {
	defer client.Close()
	upstream, err := net.Dial("tcp", upstreamAddr)
	if err != nil {
		logger.Error("proxy: upstream unreachable", "err", err)
		return
	}
	defer upstream.Close()

	for {
		header, body, err := readMessage(client)
		if err != nil {
			return
		}
		opCode := int32(binary.LittleEndian.Uint32(header[12:16]))
		var lock *sync.Mutex
		if must, db := serialized(opCode, body); must {
			lock = lockFor(db)
			lock.Lock()
		}
		err = exchange(client, upstream, header, body, opCode)
		if lock != nil {
			lock.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// exchange forwards one request and relays its replies (none when the client set moreToCome;
// more than one while the server sets moreToCome on its replies).
func exchange(client, upstream net.Conn, header, body []byte, opCode int32) error {
	if _, err := upstream.Write(append(header, body...)); err != nil {
		return err
	}
	if flags(opCode, body)&moreToCome != 0 {
		return nil
	}
	for {
		rh, rb, err := readMessage(upstream)
		if err != nil {
			return err
		}
		if _, err := client.Write(append(rh, rb...)); err != nil {
			return err
		}
		rop := int32(binary.LittleEndian.Uint32(rh[12:16]))
		if flags(rop, rb)&moreToCome == 0 {
			return nil
		}
	}
}

// serve accepts clients on addr and relays them to FerretDB listening on upstreamAddr.
func serve(ln net.Listener, upstreamAddr string, logger *slog.Logger) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			logger.Warn("proxy: accept", "err", err)
			continue
		}
		go relay(conn, upstreamAddr, logger)
	}
}
