"""Pictures of the stakeholder network: the interest/impact matrix and the network view."""
