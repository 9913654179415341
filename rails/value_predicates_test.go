package rails

import "testing"

func TestPredicatesDecideConditions(t *testing.T) {
	prod := map[string]string{"RAILS_ENV": "production"}
	tests := []struct {
		src   string
		env   map[string]string
		truth bool
		known bool
	}{
		{src: "n = Integer(ENV.fetch('W', 2))\nn.positive?", truth: true, known: true},
		{src: "n = Integer(ENV.fetch('W', 2))\nn.positive?", env: map[string]string{"W": "0"}, truth: false, known: true},
		{src: "n = Integer(ENV.fetch('W', 2))\nn.zero?", env: map[string]string{"W": "0"}, truth: true, known: true},
		{src: "ENV['W'].to_i.negative?", truth: false, known: true},
		{src: "Rails.env.production?", env: prod, truth: true, known: true},
		{src: "Rails.env.development?", env: prod, truth: false, known: true},
		{src: "Rails.env.local?", env: prod, truth: false, known: true},
		{src: "Rails.env.local?", env: map[string]string{"RAILS_ENV": "test"}, truth: true, known: true},
		{src: "Rails.env.development?", truth: true, known: true}, // neither variable set: development
		{src: `Rails.env == "production"`, env: prod, truth: true, known: true},
		{src: `::Rails.env != "production"`, env: prod, truth: false, known: true},
		{src: "ENV['X'].present?", truth: false, known: true},
		{src: "ENV['X'].present?", env: map[string]string{"X": "1"}, truth: true, known: true},
		{src: "ENV['X'].blank?", env: map[string]string{"X": " "}, truth: true, known: true},
		{src: "ENV['X'].nil?", truth: true, known: true},
		{src: "ENV.fetch('W', 2).to_i >= 2", truth: true, known: true},
		{src: "ENV.fetch('W', 2).to_i <= 1", truth: false, known: true},
		{src: "defined?(Foo)", known: false},
		{src: "File.exist?('/etc/x')", known: false},
		{src: "x.positive?", known: false},
	}
	for _, tt := range tests {
		v := rubyValue(t, tt.src)
		truth, known := Truthy(v, Env{Vars: tt.env})
		if known != tt.known || (known && truth != tt.truth) {
			t.Errorf("%q with %v: got truth %v known %v, want %v %v", tt.src, tt.env, truth, known, tt.truth, tt.known)
		}
	}
}
