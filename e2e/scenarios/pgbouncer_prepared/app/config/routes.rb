Rails.application.routes.draw do
  get "/up", to: ->(_env) { [200, {}, ["up\n"]] }
  get "/widgets", to: "widgets#index"
end
