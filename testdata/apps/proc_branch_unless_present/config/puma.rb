unless ENV["SMALL_BOX"].present?
  threads 12, 12
else
  threads 4, 4
end
