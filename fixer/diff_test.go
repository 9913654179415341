package fixer

import "testing"

func TestDiff(t *testing.T) {
	before := "default: &default\n  adapter: postgresql\n  pool: 5\n\nproduction:\n  <<: *default\n"
	after := "default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n\nproduction:\n  <<: *default\n"
	want := `--- a/myapp/config/database.yml
+++ b/myapp/config/database.yml
@@ -1,6 +1,6 @@
 default: &default
   adapter: postgresql
-  pool: 5
+  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
 
 production:
   <<: *default
`
	if got := Diff("myapp/config/database.yml", []byte(before), []byte(after)); got != want {
		t.Errorf("Diff =\n%s\nwant\n%s", got, want)
	}
	if got := Diff("x.yml", []byte(before), []byte(before)); got != "" {
		t.Errorf("Diff of equal texts = %q, want \"\"", got)
	}
	if got, want := Diff("/srv/app/Procfile", []byte("web: puma"), []byte("web: puma\n")),
		"--- a/srv/app/Procfile\n+++ b/srv/app/Procfile\n@@ -1 +1 @@\n-web: puma\n\\ No newline at end of file\n+web: puma\n"; got != want {
		t.Errorf("Diff =\n%q\nwant\n%q", got, want)
	}
}
