package schema

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Identity names schema content: "sha256:" and the hex SHA-256 of the
// files' names and bytes, in order. Two validations that print the same
// identity used the same schema, whatever the tool's version.
func Identity(files map[string][]byte, order ...string) string {
	h := sha256.New()
	for _, name := range order {
		// Each part length-prefixed, so that no two lists of files hash alike.
		for _, part := range [][]byte{[]byte(name), files[name]} {
			h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(part))))
			h.Write(part)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// BuiltinIdentity is the Identity of the built-in schema files.
func BuiltinIdentity() string {
	files := map[string][]byte{}
	for _, name := range BuiltinFiles {
		data, err := ReadBuiltin(name)
		if err != nil {
			panic("schema: built-in file missing: " + name) // embedded at build time
		}
		files[name] = data
	}
	return Identity(files, BuiltinFiles...)
}
