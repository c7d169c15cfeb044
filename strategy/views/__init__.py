"""Strategy pages, one module per seam: overview (the deployment at a glance), objectives (and
annual goals), priorities, kpis (and readings), constraints, catchball, changes (planning
windows and the change history). Views are thin: forms validate, services change, selectors
read; what they share is strategy.pages."""
