package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// secretTemplates plant a secret S in each form a config or a message
// writes one. alphabet is what S may hold there; quote writes S as that
// form needs (escaping quotes); keep is text after S that must survive.
var secretTemplates = []struct {
	before, after string
	alphabet      string
	quote         func(string) string
	keep          string
}{
	{"  url: postgres://app:", "@db.example.com:5432/app?pool=5", urlSafe, same, "@db.example.com:5432/app?pool=5"},
	{"web: DATABASE_URL='postgres://u:", "@h/db' bundle exec puma", urlSafe, same, "@h/db' bundle exec puma"},
	{"  password: ", "\n  pool: 5", plainSafe, same, "\n  pool: 5"},
	{"production: {adapter: postgresql, password: ", ", pool: 5}", flowSafe, same, ", pool: 5}"},
	{"  password: ", "\n  pool: 5", printable, yamlSingle, "\n  pool: 5"},
	{"  \"password\": ", ",\n  \"pool\": 5", printable, doubleQuoted, "\"pool\": 5"},
	{"web: PGPASSWORD=", " bundle exec puma -C config/puma.rb", printable, shellSingle, " bundle exec puma -C config/puma.rb"},
	{"web: export DB_PASSWORD=", "; bundle exec puma", printable, shellDouble, "; bundle exec puma"},
	{"  password: |\n    ", "\n  pool: 5", printable, same, "\n  pool: 5"},
	{"  password: >-\n      ", "\n  pool: 5", printable, same, "\n  pool: 5"},
	{"  \"DB_PASSWORD\": {\"value\": ", "},\n  \"pool\": 5", printable, doubleQuoted, "\"pool\": 5"},
	{"  :password => ", ",\n  pool: 5", printable, doubleQuoted, "pool: 5"},
}

const (
	alnum     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	urlSafe   = alnum + "!$&'()+,;=:@%-._~\"`é"
	plainSafe = alnum + "!%^()-_=+.;:~@é"
	flowSafe  = alnum + "!%^()-_=+.;:~@é"
	printable = alnum + " !\"#$%&'()+,-./:;<=>?@[\\]^_`{|}~é"
)

func same(s string) string { return s }

func yamlSingle(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func doubleQuoted(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func shellSingle(s string) string { return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'" }

func shellDouble(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(s) + `"`
}

// secretFrom maps fuzz bytes onto an alphabet; the secret starts and ends
// with a letter or digit, so it is never mistaken for a reference (ERB,
// $VAR, an alias) or trimmed as blank.
func secretFrom(raw []byte, alphabet string) string {
	letters := []rune(alphabet)
	var b strings.Builder
	b.WriteByte(alnum[int(len(raw))%len(alnum)])
	for _, c := range raw {
		b.WriteRune(letters[int(c)%len(letters)])
	}
	b.WriteByte('Z')
	return b.String()
}

// FuzzPlantedSecret: whatever the secret holds, it never appears in what
// Text or Source print, and the text around it survives.
func FuzzPlantedSecret(f *testing.F) {
	for i := range secretTemplates {
		f.Add(uint8(i), []byte("hunter2"))
		f.Add(uint8(i), []byte("it's a \"p@ss\" #1, {x}"))
	}
	f.Fuzz(func(t *testing.T, which uint8, raw []byte) {
		tpl := secretTemplates[int(which)%len(secretTemplates)]
		secret := secretFrom(raw, tpl.alphabet)
		in := tpl.before + tpl.quote(secret) + tpl.after
		for name, out := range map[string]string{"Text": Text(in), "Source": Source(in)} {
			if strings.Contains(out, secret) {
				t.Fatalf("%s(%q) prints the secret %q:\n%s", name, in, secret, out)
			}
			if !strings.Contains(out, tpl.keep) {
				t.Fatalf("%s(%q) masked %q too:\n%s", name, in, tpl.keep, out)
			}
		}
	})
}

// FuzzMaskProperties: on any input, Source keeps the byte length and every
// byte it does not turn into '*' (the text snippet's underline relies on
// it); both functions keep valid UTF-8 valid, Text always returns valid
// UTF-8, and masking twice changes nothing. Path and Message leave no
// rune that acts on a terminal (Message keeps line breaks and tabs).
func FuzzMaskProperties(f *testing.F) {
	for _, s := range []string{
		"production:\n  url: postgres://app:s3cr3t@db/app?pool=2\n  password: x\n",
		"{adapter: postgresql, password: X}", "web: PGPASSWORD=a'b puma", "password: |\n  x\n",
		"\"DB_PASSWORD\": {\"value\": \"p\"}", "pässwörd: é", "a://:@", "token=\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src := Source(s)
		if len(src) != len(s) {
			t.Fatalf("Source(%q) = %q: length %d, want %d", s, src, len(src), len(s))
		}
		for i := 0; i < len(s); i++ {
			if src[i] != s[i] && src[i] != '*' {
				t.Fatalf("Source(%q) = %q: byte %d became %q", s, src, i, src[i])
			}
		}
		txt := Text(s)
		if !utf8.ValidString(txt) {
			t.Fatalf("Text(%q) = %q is not UTF-8", s, txt)
		}
		if utf8.ValidString(s) && !utf8.ValidString(src) {
			t.Fatalf("Source(%q) = %q is not UTF-8", s, src)
		}
		if again := Source(src); again != src {
			t.Fatalf("Source is not idempotent on %q: %q then %q", s, src, again)
		}
		if p := Path(s); !utf8.ValidString(p) || strings.ContainsFunc(p, Unsafe) {
			t.Fatalf("Path(%q) = %q holds an unsafe rune", s, p)
		}
		if m := Message(s); !utf8.ValidString(m) || strings.ContainsFunc(m, func(r rune) bool { return r != '\n' && r != '\r' && r != '\t' && Unsafe(r) }) {
			t.Fatalf("Message(%q) = %q holds an unsafe rune", s, m)
		}
		if again := Text(txt); again != txt {
			t.Fatalf("Text is not idempotent on %q: %q then %q", s, txt, again)
		}
	})
}
