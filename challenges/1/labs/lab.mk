# Challenge 1's lab (included by the Makefile, which defines lab-1, lab-1-solution and
# lab-1-down): the client asks for a host name that no container has.
lab_1 := wrong-hostname

# $(call lab_1_wait,WORD): waits up to 20 s for a client line with WORD, then shows the last 3.
define lab_1_wait
	@for i in $$(seq 40); do $(call lab_compose,1,$(2)) logs client 2>&1 | grep -q ' $(1) ' \
	  && break; sleep 0.5; done
	@docker logs --tail 3 $$($(call lab_compose,1,$(2)) ps -q client)
endef
lab_show_1 = $(call lab_1_wait,FAIL,broken)
lab_check_1 = $(call lab_1_wait,ok,solution)
