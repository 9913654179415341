every 1.day do
  runner "script/weekly.rb"
end
