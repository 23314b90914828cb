# Challenge 2's lab (included by the Makefile, which defines lab-2, lab-2-solution and
# lab-2-down): an init script that fails, so the database never becomes healthy.
lab_2 := init-order
lab_needs_2 := $(DB_PASSWORD_FILE)

lab_show_2 = @docker logs $(call lab_project,2)-db-1 2>&1 | grep -E 'ERROR|error:' | awk 'NR <= 3'
lab_check_2 = $(call lab_compose,2,solution) exec -T db psql -U app -d catalog -c 'SELECT * FROM notes'
