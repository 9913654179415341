# threads 32, 32
=begin
threads 64, 64
=end
threads 5, 5 # threads 32
