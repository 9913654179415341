threads 5, 5
prune_bundler
