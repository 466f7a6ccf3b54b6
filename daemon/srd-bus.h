/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names srd's D-Bus API is reached by, shared by the daemon's vtable
 * (srd-manager-bus.c) and srdctl.  The interface itself is described in
 * org.srd1.Manager.xml, which the tests check against the live object.
 */
#pragma once

#define SRD_BUS_NAME "org.srd1"
#define SRD_BUS_PATH "/org/srd1"
#define SRD_BUS_INTERFACE "org.srd1.Manager"

#define SRD_ERROR_POLICY_INVALID "org.srd1.Error.PolicyInvalid"
#define SRD_ERROR_BUSY "org.srd1.Error.Busy"
#define SRD_ERROR_DISCOVERY "org.srd1.Error.DiscoveryFailed"
#define SRD_ERROR_BAD_POLICY_NAME "org.srd1.Error.UnknownPolicy"
#define SRD_ERROR_RATE_LIMITED "org.srd1.Error.RateLimited"
