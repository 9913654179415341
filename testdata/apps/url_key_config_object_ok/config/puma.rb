# vets-api (rw3_vets_api_compose_dev): a fixed thread count.
threads 16, 16
workers 1
