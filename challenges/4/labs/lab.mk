# Challenge 4's lab (included by the Makefile, which defines lab-4, lab-4-solution and
# lab-4-down): service A's healthcheck runs a program its image does not have.
lab_4 := healthcheck-curl

# $(call lab_4_health,broken|solution): A's health state and its last check, as Docker keeps them.
define lab_4_health
	@a=$(call lab_project,4)-service-a-1; \
	  echo "\$$ docker inspect -f '{{.State.Health.Status}}' $$a"; \
	  docker inspect -f '{{.State.Health.Status}}' $$a; \
	  echo "\$$ docker inspect -f '{{(index .State.Health.Log 0).Output}}' $$a"; \
	  docker inspect -f '{{(index .State.Health.Log 0).Output}}' $$a
endef
lab_show_4 = $(call lab_4_health,broken)
lab_check_4 = $(call lab_4_health,solution) && echo "\$$ curl -s http://$$($(call lab_compose,4,solution) port service-b 8080)/profiles/1" \
  && curl -sS http://$$($(call lab_compose,4,solution) port service-b 8080)/profiles/1 && echo
