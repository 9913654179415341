# Looks up widgets by id: the same bound query each time, which Active
# Record prepares once per connection (as "a1", "a2", ...).
class WidgetsController < ActionController::API
  def index
    names = (1..20).map { |i| Widget.where(id: (i % 10) + 1).first&.name }
    render plain: "#{names.compact.size} widgets\n"
  end
end
