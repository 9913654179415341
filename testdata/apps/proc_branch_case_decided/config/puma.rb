case ENV.fetch("DYNO_SIZE", "standard")
when "standard" then threads 5, 5
else threads 16, 16
end
