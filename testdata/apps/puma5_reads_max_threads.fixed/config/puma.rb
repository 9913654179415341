port ENV.fetch("PORT") { 3000 }
plugin :tmp_restart
