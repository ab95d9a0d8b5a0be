-- One database per service (database per service; no service reads another's tables).
CREATE DATABASE catalogue;
CREATE DATABASE identity;
CREATE DATABASE partnerships;
CREATE DATABASE applications;
