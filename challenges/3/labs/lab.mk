# Challenge 3's lab (included by the Makefile, which defines lab-3, lab-3-solution and
# lab-3-down): Redis on a network the catalog is not on.
lab_3 := cache-elsewhere
lab_needs_3 := $(CATALOG_PASSWORD_FILE)

# $(call lab_3_ask,broken|solution): the catalog's /ready, then the X-Cache of two reads. A
# catalog just started has not checked PostgreSQL yet: up to 20 s for that first.
define lab_3_ask
	@url=http://$$($(call lab_compose,3,$(1)) port catalog 8080); \
	  for i in $$(seq 100); do curl -s $$url/ready | grep -q '"postgres":"up"' && break; \
	    sleep 0.2; done; \
	  echo "\$$ curl -s $$url/ready"; curl -sS $$url/ready; echo; \
	  for i in 1 2; do echo "\$$ curl -si $$url/products/1 | grep -i x-cache"; \
	    curl -sSi $$url/products/1 | grep -i '^x-cache'; done
endef
lab_show_3 = $(call lab_3_ask,broken)
lab_check_3 = $(call lab_3_ask,solution)
