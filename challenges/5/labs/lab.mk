# Challenge 5's lab (included by the Makefile, which defines lab-5, lab-5-solution and
# lab-5-down): users-service is on its database's network only, not on the gateway's.
lab_5 := wrong-network
lab_needs_5 := $(DB_SECRETS_5)

# $(call lab_5_ask,broken|solution,PATH): GET PATH through the lab's gateway, shown as typed.
lab_5_ask = url=http://$$($(call lab_compose,5,$(1)) port gateway 8080)$(2); \
  echo "\$$ curl -s $$url"; curl -sS "$$url"; echo
lab_show_5 = @$(call lab_5_ask,broken,/users/1); $(call lab_5_ask,broken,/products/1)
lab_check_5 = @$(call lab_5_ask,solution,/users/1)
