class ReportingRecord < ActiveRecord::Base
  self.abstract_class = true
  establish_connection("postgres://reports.internal/reports?pool=2")
end
