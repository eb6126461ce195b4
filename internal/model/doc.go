// Package model holds Yardstick's plain domain types. They carry data
// between the store, the app and the views and have no behaviour that
// touches I/O.
package model
